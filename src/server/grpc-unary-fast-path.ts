import * as http2 from "node:http2";
import { fromBinary, type BinaryReadOptions } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, type ContextValues } from "@connectrpc/connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { encodeGrpcMessage } from "./grpc-message-encoding.js";
import { writeResponseHead, type NodeRequest, type NodeResponse } from "./node-http.js";
import { IncomingHeaders } from "./incoming-headers.js";
import { callError, outputBytes, runUnaryCall, type UnaryCallOptions, type UnarySpec } from "./unary-call.js";

/*
 * Unary calls of gRPC (over HTTP/2) and binary gRPC-Web (over either HTTP version).
 *
 * Why this exists: connect-node serves every call through its universal request/response (a
 * WHATWG Headers copy of the node headers, three linked AbortControllers aborted with a fresh
 * DOMException when each call ends, a URL) and a pipeline of about ten async generators (split
 * envelope, parse, invoke, serialize, compress, join, catch, the node response writer), plus
 * keygate's two wrappers (binary validation, grpc-message encoding). Profiled, that is 400-700 µs
 * of CPU per unary gRPC call against ~100 µs for @grpc/grpc-js (issue 5). A unary call is one
 * buffer in and one buffer out, so this path does exactly that: the router's interceptors and the
 * same service implementation run (unary-call.ts), and connect's setTrailerStatus writes the
 * status: in HTTP/2 trailers for gRPC, in a trailer frame after the message for gRPC-Web (with
 * connect's grpc-message encoding; keygate re-encodes it as grpc-go only for gRPC). Responses go
 * out uncompressed, as grpc-go (ZITADEL) sends them to a client whose request was not compressed:
 * gzip of a large list page costs more CPU than it saves on a data-centre link.
 *
 * Whatever it does not handle exactly like connect (a compressed request, a malformed or oversized
 * envelope, an undecodable message, a bad or too long grpc-timeout, streaming methods, other
 * content types) goes to connect's path with the bytes already read, so every error keeps
 * connect's and keygate's code and message.
 */

export interface GrpcUnaryFastPathOptions extends UnaryCallOptions {
  readMaxBytes: number;
  maxTimeoutMs?: number;
  binaryOptions?: Partial<BinaryReadOptions>;
  contextValues?: (req: NodeRequest) => ContextValues;
}

/** Serves the call through connect's regular path, with `body` standing in for the request body. */
export type ConnectFallback = (body: AsyncIterable<Uint8Array>) => void;

/**
 * Serves a unary gRPC or gRPC-Web call and returns true, or returns false without touching the
 * request when it is not one this path knows.
 */
export type GrpcUnaryFastPath = (req: NodeRequest, res: NodeResponse, path: string, fallback: ConnectFallback) => boolean;

/** How one protocol's answer goes out: the status set on the trailer, then headers, message and trailer written. */
interface Wire {
  setStatus(trailer: Headers, error: unknown): void;
  write(res: NodeResponse, header: Headers, trailer: Headers, message: Uint8Array | undefined): void;
}

const grpcProto = /^application\/grpc(?:\+proto)?$/i;
const grpcWebProto = /^application\/grpc-web(?:\+proto)?$/i;
const timeoutPattern = /^(\d{1,8})([HMSmun])$/;
const timeoutUnitMs: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };
const envelopeHeaderBytes = 5;

export function createGrpcUnaryFastPath(specs: ReadonlyMap<string, UnarySpec>, options: GrpcUnaryFastPathOptions): GrpcUnaryFastPath {
  const maxTimeoutMs = options.maxTimeoutMs ?? Number.MAX_SAFE_INTEGER;

  return (req, res, path, fallback) => {
    const spec = specs.get(path);
    const wire = spec === undefined || req.method !== "POST" ? undefined : wireOf(req);
    if (spec === undefined || wire === undefined) return false;
    const encoding = req.headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    const timeoutMs = parseTimeout(req.headers["grpc-timeout"]);
    if (timeoutMs === null || (timeoutMs !== undefined && timeoutMs > maxTimeoutMs)) return false;
    readBody(req, options.readMaxBytes + envelopeHeaderBytes, fallback, (body) => {
      const input = decodeEnvelope(spec, body, options.binaryOptions);
      if (input === undefined) fallback(replay(body));
      else void invoke(spec, input, req, res, wire, timeoutMs);
    });
    return true;
  };

  async function invoke(spec: UnarySpec, input: object, req: NodeRequest, res: NodeResponse, wire: Wire, timeoutMs: number | undefined): Promise<void> {
    const init = {
      protocolName: wire === grpcWeb ? "grpc-web" : "grpc",
      url: `http://${req.headers[":authority"] ?? req.headers.host ?? ""}${req.url}`,
      // Every header as it came, without HTTP/2's pseudo-headers (":path"), as connect hands them over.
      requestHeader: new IncomingHeaders(req.headers),
      // What the interceptors and the implementation add; the protocol's own go in when the response is written.
      responseHeader: new Headers(),
      responseTrailer: new Headers(),
      values: options.contextValues?.(req) ?? createContextValues(),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
    let message: Uint8Array | undefined;
    try {
      const output = await runUnaryCall(spec, input, res, init, options);
      message = envelope(outputBytes(spec, output, options.writeMaxBytes));
    } catch (e) {
      wire.setStatus(init.responseTrailer, e);
    }
    if (clientGone(res) || res.writableEnded) return;
    wire.write(res, init.responseHeader, init.responseTrailer, message);
  }
}

/** Whether the connection (HTTP/1.1) or stream (HTTP/2) of the response is gone already. */
function clientGone(res: NodeResponse): boolean {
  return res instanceof http2.Http2ServerResponse ? res.stream.destroyed : res.destroyed;
}

function wireOf(req: NodeRequest): Wire | undefined {
  const contentType = req.headers["content-type"] ?? "";
  if (grpcWebProto.test(contentType)) return grpcWeb;
  return req instanceof http2.Http2ServerRequest && grpcProto.test(contentType) ? grpc : undefined;
}

const grpc: Wire = {
  setStatus: setGrpcGoStatus,
  write(res, header, trailer, message) {
    const h2 = res as http2.Http2ServerResponse;
    h2.writeHead(200, { "content-type": "application/grpc+proto", ...nodeHeaders(header) });
    h2.addTrailers({ "grpc-status": "0", ...nodeHeaders(trailer) });
    h2.end(message ?? new Uint8Array(0));
  },
};

const grpcWeb: Wire = {
  setStatus: (trailer, error) => setTrailerStatus(trailer, callError(error)),
  write(res, header, trailer, message) {
    if (!trailer.has("grpc-status")) trailer.set("grpc-status", "0");
    const trailerFrame = envelope(trailerSerialize(trailer), trailerFlag);
    const body = message === undefined ? trailerFrame : Buffer.concat([message, trailerFrame]);
    writeResponseHead(res, 200, { "content-type": "application/grpc-web+proto", ...nodeHeaders(header), "content-length": body.byteLength });
    res.end(body);
  },
};

/** Milliseconds; undefined without a timeout; null when the header is malformed (connect answers that). */
function parseTimeout(header: string | string[] | undefined): number | undefined | null {
  if (header === undefined) return undefined;
  const match = typeof header === "string" ? timeoutPattern.exec(header) : null;
  return match === null ? null : timeoutUnitMs[match[2]!]! * parseInt(match[1]!, 10);
}

/**
 * Reads the whole body into one buffer; past `maxBytes` it stops and hands connect what it read
 * plus the rest of the stream, so connect rejects the oversized message in its own words.
 */
function readBody(req: NodeRequest, maxBytes: number, fallback: ConnectFallback, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size <= maxBytes) return;
    req.pause();
    req.off("data", onData);
    req.off("end", onEnd);
    fallback(replay(Buffer.concat(chunks, size), req));
  };
  const onEnd = () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  req.on("data", onData);
  req.once("end", onEnd);
}

/** The request message of a body holding exactly one uncompressed envelope; undefined otherwise. */
function decodeEnvelope(spec: UnarySpec, body: Buffer, binaryOptions: Partial<BinaryReadOptions> | undefined): object | undefined {
  if (body.byteLength < envelopeHeaderBytes || body[0] !== 0 || body.readUInt32BE(1) !== body.byteLength - envelopeHeaderBytes) return undefined;
  try {
    return fromBinary(spec.method.input, body.subarray(envelopeHeaderBytes), binaryOptions);
  } catch {
    return undefined;
  }
}

async function* replay(read: Buffer, rest?: AsyncIterable<unknown>): AsyncIterable<Uint8Array> {
  yield read;
  if (rest) for await (const chunk of rest) yield chunk as Uint8Array;
}

/** connect's status trailers, with grpc-message percent-encoded as grpc-go does (see grpc-message-encoding.ts). */
function setGrpcGoStatus(trailer: Headers, error: unknown): void {
  const connectError = callError(error);
  setTrailerStatus(trailer, connectError);
  if (trailer.has("grpc-message")) trailer.set("grpc-message", encodeGrpcMessage(connectError.rawMessage));
}

/** An uncompressed gRPC message (flags 0) or gRPC-Web trailer frame: flags, length, bytes. */
function envelope(bytes: Uint8Array, flags = 0): Buffer {
  const out = Buffer.allocUnsafe(bytes.byteLength + envelopeHeaderBytes);
  out[0] = flags;
  out.writeUInt32BE(bytes.byteLength, 1);
  out.set(bytes, envelopeHeaderBytes);
  return out;
}

function nodeHeaders(headers: Headers): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  headers.forEach((value, key) => {
    const previous = out[key];
    out[key] = previous === undefined ? value : ([] as string[]).concat(previous as string | string[], value);
  });
  return out;
}
