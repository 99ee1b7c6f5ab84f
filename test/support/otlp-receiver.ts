import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BinaryReader } from "@bufbuild/protobuf/wire";

/**
 * A small OTLP/HTTP trace receiver: collects what is POSTed to /v1/traces and decodes the
 * protobuf body (opentelemetry/proto/collector/trace/v1/trace_service.proto, the fields tests
 * look at; the others are skipped by their wire type).
 */
export interface OtlpReceiver {
  /** http://127.0.0.1:port, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Every export request received: its content type and decoded body. */
  readonly requests: ReceivedExport[];
  /** Every span received, with its resource's attributes. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

export interface ReceivedExport {
  contentType: string | undefined;
  resourceSpans: Array<{ resource: Attributes; spans: Span[] }>;
}

export type Attributes = Record<string, string | number | boolean>;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Attributes;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

export type ReceivedSpan = Span & { resource: Attributes };

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedExport[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      requests.push({ contentType: req.headers["content-type"], resourceSpans: decodeExportRequest(Buffer.concat(chunks)) });
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap((r) => r.resourceSpans.flatMap(({ resource, spans }) => spans.map((s) => ({ ...s, resource })))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Calls `field` for each field of the message in `bytes`; fields it does not take are skipped. */
function readFields(bytes: Uint8Array, field: (no: number, reader: BinaryReader) => boolean): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (!field(no, reader)) reader.skip(wireType, no);
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function decodeExportRequest(bytes: Uint8Array): ReceivedExport["resourceSpans"] {
  const out: ReceivedExport["resourceSpans"] = [];
  readFields(bytes, (no, r) => no === 1 && (out.push(decodeResourceSpans(r.bytes())), true));
  return out;
}

function decodeResourceSpans(bytes: Uint8Array): { resource: Attributes; spans: Span[] } {
  let resource: Attributes = {};
  const spans: Span[] = [];
  readFields(bytes, (no, r) => {
    if (no === 1) resource = decodeAttributesOf(r.bytes(), 1);
    else if (no === 2) readFields(r.bytes(), (scopeNo, s) => scopeNo === 2 && (spans.push(decodeSpan(s.bytes())), true));
    else return false;
    return true;
  });
  return { resource, spans };
}

function decodeSpan(bytes: Uint8Array): Span {
  const span: Span = { traceId: "", spanId: "", parentSpanId: "", name: "", kind: 0, attributes: {}, status: { code: 0, message: "" } };
  readFields(bytes, (no, r) => {
    if (no === 1) span.traceId = hex(r.bytes());
    else if (no === 2) span.spanId = hex(r.bytes());
    else if (no === 4) span.parentSpanId = hex(r.bytes());
    else if (no === 5) span.name = r.string();
    else if (no === 6) span.kind = r.int32();
    else if (no === 9) Object.assign(span.attributes, decodeKeyValue(r.bytes()));
    else if (no === 15)
      readFields(r.bytes(), (statusNo, s) => {
        if (statusNo === 2) span.status.message = s.string();
        else if (statusNo === 3) span.status.code = s.int32();
        else return false;
        return true;
      });
    else return false;
    return true;
  });
  return span;
}

/** The KeyValues in field `fieldNo` of a message (Resource.attributes is field 1). */
function decodeAttributesOf(bytes: Uint8Array, fieldNo: number): Attributes {
  const attributes: Attributes = {};
  readFields(bytes, (no, r) => no === fieldNo && (Object.assign(attributes, decodeKeyValue(r.bytes())), true));
  return attributes;
}

function decodeKeyValue(bytes: Uint8Array): Attributes {
  let key = "";
  let value: string | number | boolean = "";
  readFields(bytes, (no, r) => {
    if (no === 1) key = r.string();
    else if (no === 2) value = decodeAnyValue(r.bytes());
    else return false;
    return true;
  });
  return { [key]: value };
}

function decodeAnyValue(bytes: Uint8Array): string | number | boolean {
  let value: string | number | boolean = "";
  readFields(bytes, (no, r) => {
    if (no === 1) value = r.string();
    else if (no === 2) value = r.bool();
    else if (no === 3) value = Number(r.int64());
    else if (no === 4) value = r.double();
    else return false;
    return true;
  });
  return value;
}

