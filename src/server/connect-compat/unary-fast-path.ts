import * as http2 from "node:http2";
import { fromBinary, fromJsonString, type BinaryReadOptions } from "@bufbuild/protobuf";
import { createContextValues, type ContextValues } from "@connectrpc/connect";
import { compressionNegotiate, mergeNonProtocolHeaders, type Compression } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, errorToJsonBytes, parseTimeout as parseConnectTimeout, trailerMux } from "@connectrpc/connect/protocol-connect";
import { parseTimeout as parseGrpcTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import type { ClassifiedRequest } from "../classified-request.js";
import { readBody } from "../read-body.js";
import { encodeGrpcMessage } from "./grpc-message-encoding.js";
import { IncomingHeaders } from "./incoming-headers.js";
import { unwritableField } from "../response-metadata-guard.js";
import { abandonResponse, callUrl, writeResponseHead, type NodeRequest, type NodeResponse } from "../node-http.js";
import { callError, jsonReadOptions, outputBytes, outputJson, runUnaryCall, strictUtf8, type UnaryCallOptions, type UnarySpec } from "./unary-call.js";

/*
 * Unary calls of gRPC (over HTTP/2), binary gRPC-Web and the Connect protocol (POST, binary or
 * JSON; over either HTTP version).
 *
 * Why this exists: connect-node serves every call through its universal request/response (a
 * WHATWG Headers copy of the node headers, three linked AbortControllers aborted with a fresh
 * DOMException when each call ends, a URL) and a pipeline of about ten async generators (split
 * envelope, parse, invoke, serialize, compress, join, catch, the node response writer), plus
 * keygate's two wrappers (binary validation, grpc-message encoding). Profiled, that is 400-700 µs
 * of CPU per unary call against ~100 µs for @grpc/grpc-js (issue 5). A unary call is one buffer
 * in and one buffer out, so this path does exactly that: the router's interceptors and the same
 * service implementation run (unary-call.ts), and connect's own functions write the status: in
 * HTTP/2 trailers for gRPC (grpc-message re-encoded as grpc-go does), in a trailer frame after the
 * message for gRPC-Web, as an HTTP status and JSON error for Connect.
 *
 * gRPC and gRPC-Web answers go out uncompressed, as grpc-go (ZITADEL) sends them to a client whose
 * request was not compressed: gzip of a large list page costs more CPU than it saves on a
 * data-centre link. Connect answers are compressed exactly when connect would compress them
 * (accept-encoding, 1 KiB and more): that protocol is for browsers, over any link.
 *
 * Whatever it does not handle exactly like connect (a compressed request, a malformed or oversized
 * message or envelope, an undecodable message, a bad or too long timeout, GET, streaming methods,
 * other content types) goes to connect's path with the bytes already read, so every error keeps
 * connect's and keygate's code and message.
 */

export interface UnaryFastPathOptions extends UnaryCallOptions {
  readMaxBytes: number;
  maxTimeoutMs?: number;
  binaryOptions?: Partial<BinaryReadOptions>;
  /** What the router compresses with: Connect's answers are compressed as connect's would be. */
  acceptCompression: Compression[];
  contextValues?: (req: NodeRequest) => ContextValues;
  /** Told of a throw while an answer was written, after which the response is abandoned (abandonResponse). */
  onError: (error: unknown) => void;
}

/** Serves the call through connect's regular path, with `body` standing in for the request body. */
export type ConnectFallback = (body: AsyncIterable<Uint8Array>) => void;

/**
 * Serves a unary gRPC, gRPC-Web or Connect call and returns true, or returns false without
 * touching the request when it is not one this path knows.
 */
export type UnaryFastPath = (req: NodeRequest, res: NodeResponse, request: ClassifiedRequest, fallback: ConnectFallback) => boolean;

/** A request one protocol takes: its timeout, and whether its messages are JSON (Connect only). */
interface Accepted {
  timeoutMs: number | undefined;
  json: boolean;
}

/** What differs between the protocols on the wire: which requests they take, how the message comes, how the answer goes. */
interface UnaryWire {
  name: "grpc" | "grpc-web" | "connect";
  /** How the request is taken, or undefined when this path leaves it to connect. */
  accept(req: NodeRequest, request: ClassifiedRequest, maxTimeoutMs: number): Accepted | undefined;
  /** Bytes around the message in the body (the envelope's header). */
  framing: number;
  decode(spec: UnarySpec, body: Buffer, accepted: Accepted, options: UnaryFastPathOptions): object | undefined;
  encode(spec: UnarySpec, output: unknown, accepted: Accepted, writeMaxBytes: number | undefined): Uint8Array;
  /** Writes the answer: the encoded output, or the error, with what the interceptors and the implementation set. */
  answer(res: NodeResponse, outcome: Outcome, call: CallHeaders, req: NodeRequest, accepted: Accepted, options: UnaryFastPathOptions): Promise<void> | void;
}

type Outcome = { message: Uint8Array } | { error: unknown };

interface CallHeaders {
  header: Headers;
  trailer: Headers;
}

const envelopeHeaderBytes = 5;
/** connect's default: smaller answers are not worth compressing. */
const compressMinBytes = 1024;

export function createUnaryFastPath(specs: ReadonlyMap<string, UnarySpec>, options: UnaryFastPathOptions): UnaryFastPath {
  const maxTimeoutMs = options.maxTimeoutMs ?? Number.MAX_SAFE_INTEGER;

  return (req, res, request, fallback) => {
    const spec = specs.get(request.path);
    const wire = spec === undefined || req.method !== "POST" ? undefined : wireOf(req, request);
    const accepted = wire?.accept(req, request, maxTimeoutMs);
    if (spec === undefined || wire === undefined || accepted === undefined) return false;
    readBody(req, options.readMaxBytes + wire.framing, {
      done(body) {
        const input = wire.decode(spec, body, accepted, options);
        if (input === undefined) fallback(replay(body));
        else
          invoke(spec, input, req, res, wire, accepted).catch((error: unknown) => {
            options.onError(error);
            abandonResponse(res);
          });
      },
      // Connect rejects the oversized message in its own words: it gets what was read plus the rest of the stream.
      tooLarge: (read) => fallback(replay(read, req)),
      // The client is gone: nobody to answer.
      failed: () => {},
    });
    return true;
  };

  async function invoke(spec: UnarySpec, input: object, req: NodeRequest, res: NodeResponse, wire: UnaryWire, accepted: Accepted): Promise<void> {
    const init = {
      protocolName: wire.name,
      url: callUrl(req, req.url ?? ""),
      // Every header as it came, without HTTP/2's pseudo-headers (":path"), as connect hands them over.
      requestHeader: new IncomingHeaders(req.headers),
      // What the interceptors and the implementation add; the protocol's own go in when the response is written.
      responseHeader: new Headers(),
      responseTrailer: new Headers(),
      values: options.contextValues?.(req) ?? createContextValues(),
      ...(accepted.timeoutMs === undefined ? {} : { timeoutMs: accepted.timeoutMs }),
    };
    let outcome: Outcome;
    try {
      const output = await runUnaryCall(spec, input, res, init, options);
      outcome = { message: wire.encode(spec, output, accepted, options.writeMaxBytes) };
    } catch (error) {
      outcome = { error };
    }
    if (clientGone(res) || res.writableEnded) return;
    await wire.answer(res, outcome, { header: init.responseHeader, trailer: init.responseTrailer }, req, accepted, options);
  }
}

/** The wire of a binary gRPC (over HTTP/2) or gRPC-Web request, or of a unary Connect one. */
function wireOf(req: NodeRequest, request: ClassifiedRequest): UnaryWire | undefined {
  if (request.connectUnary !== undefined) return connect;
  if (request.framing === undefined) return undefined;
  if (request.protocol === "grpc-web") return grpcWeb;
  return request.protocol === "grpc" && req instanceof http2.Http2ServerRequest ? grpc : undefined;
}

/** gRPC and gRPC-Web take the same requests: one uncompressed binary envelope, grpc-timeout. */
function acceptGrpc(req: NodeRequest, _request: ClassifiedRequest, maxTimeoutMs: number): Accepted | undefined {
  const encoding = req.headers["grpc-encoding"];
  if (encoding !== undefined && encoding !== "identity") return undefined;
  const timeout = parseGrpcTimeout(single(req.headers["grpc-timeout"]), maxTimeoutMs);
  return timeout.error === undefined ? { timeoutMs: timeout.timeoutMs, json: false } : undefined;
}

const grpc: UnaryWire = {
  name: "grpc",
  accept: acceptGrpc,
  framing: envelopeHeaderBytes,
  decode: (spec, body, _accepted, options) => decodeEnvelope(spec, body, options.binaryOptions),
  encode: (spec, output, _accepted, writeMaxBytes) => envelope(outputBytes(spec, output, writeMaxBytes)),
  answer(res, outcome, { header, trailer }) {
    if ("error" in outcome) setGrpcGoStatus(trailer, outcome.error);
    const h2 = res as http2.Http2ServerResponse;
    h2.writeHead(200, { "content-type": "application/grpc+proto", ...nodeHeaders(header) });
    h2.addTrailers({ "grpc-status": "0", ...nodeHeaders(trailer) });
    h2.end("message" in outcome ? outcome.message : new Uint8Array(0));
  },
};

const grpcWeb: UnaryWire = {
  ...grpc,
  name: "grpc-web",
  answer(res, outcome, { header, trailer }) {
    if ("error" in outcome) setTrailerStatus(trailer, callError(outcome.error));
    else trailer.set("grpc-status", "0");
    const trailerFrame = envelope(trailerSerialize(trailer), trailerFlag);
    const body = "message" in outcome ? Buffer.concat([outcome.message, trailerFrame]) : trailerFrame;
    writeResponseHead(res, 200, { "content-type": "application/grpc-web+proto", ...nodeHeaders(header), "content-length": body.byteLength });
    res.end(body);
  },
};

/** The Connect protocol's unary calls: the bare message (binary or JSON), connect-timeout-ms, trailers as "trailer-" headers. */
const connect: UnaryWire = {
  name: "connect",
  accept(req, request, maxTimeoutMs) {
    if (req.headers["content-encoding"] !== undefined && req.headers["content-encoding"] !== "identity") return undefined;
    const timeout = parseConnectTimeout(single(req.headers["connect-timeout-ms"]), maxTimeoutMs);
    return timeout.error === undefined ? { timeoutMs: timeout.timeoutMs, json: request.connectUnary === "json" } : undefined;
  },
  framing: 0,
  decode(spec, body, { json }, options) {
    try {
      return json ? fromJsonString(spec.method.input, strictUtf8.decode(body), jsonReadOptions) : fromBinary(spec.method.input, body, options.binaryOptions);
    } catch {
      return undefined;
    }
  },
  encode: (spec, output, { json }, writeMaxBytes) => (json ? outputJson(spec, output, writeMaxBytes) : outputBytes(spec, output, writeMaxBytes)),
  async answer(res, outcome, { header, trailer }, req, { json }, options) {
    let status = 200;
    let body: Uint8Array;
    if ("message" in outcome) {
      body = outcome.message;
    } else {
      // As connect: an error is JSON whatever the request was, and its metadata (unless it came off the wire) goes in the headers.
      const error = callError(outcome.error);
      status = codeToHttpStatus(error.code);
      header.set("content-type", "application/json");
      if (!error.isWireError) mergeNonProtocolHeaders(header, error.metadata);
      body = errorToJsonBytes(error, {});
    }
    const compression = compressionNegotiate(options.acceptCompression, null, single(req.headers["accept-encoding"]), "accept-encoding").response;
    if (compression !== null && body.byteLength >= compressMinBytes) {
      body = await compression.compress(body);
      header.set("content-encoding", compression.name);
    }
    if (clientGone(res) || res.writableEnded) return;
    const contentType = json ? "application/json" : "application/proto";
    writeResponseHead(res, status, { "content-type": contentType, ...nodeHeaders(trailerMux(header, trailer)), "content-length": body.byteLength });
    res.end(body);
  },
};

/** A header's value as connect reads it from WHATWG Headers: repeated values joined, absent as null. */
function single(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

/** Whether the connection (HTTP/1.1) or stream (HTTP/2) of the response is gone already. */
function clientGone(res: NodeResponse): boolean {
  return res instanceof http2.Http2ServerResponse ? res.stream.destroyed : res.destroyed;
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

/**
 * Metadata as Node writes it. Checked here, where a throw ends only this call: Node checks HTTP/2
 * trailers when it sends them, from an event handler whose throw would end the process. (The
 * response-metadata guard has answered Internal for what interceptors set already; this catches
 * what an implementation set in its context before it threw.)
 */
function nodeHeaders(headers: Headers): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  headers.forEach((value, key) => {
    const problem = unwritableField(key, value);
    if (problem !== undefined) throw new Error(`response metadata that cannot be sent: ${problem}`);
    const previous = out[key];
    out[key] = previous === undefined ? value : ([] as string[]).concat(previous as string | string[], value);
  });
  return out;
}
