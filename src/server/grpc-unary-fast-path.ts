import * as http2 from "node:http2";
import { fromBinary, type BinaryReadOptions } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, type ContextValues } from "@connectrpc/connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { encodeGrpcMessage } from "./grpc-message-encoding.js";
import type { NodeRequest } from "./node-http.js";
import { IncomingHeaders } from "./incoming-headers.js";
import { callError, outputBytes, runUnaryCall, type UnaryCallOptions, type UnarySpec } from "./unary-call.js";

/*
 * Why this exists: connect-node serves every call through its universal request/response (a
 * WHATWG Headers copy of the node headers, three linked AbortControllers aborted with a fresh
 * DOMException when each call ends, a URL) and a pipeline of about ten async generators (split
 * envelope, parse, invoke, serialize, compress, join, catch, the node response writer), plus
 * keygate's two wrappers (binary validation, grpc-message encoding). Profiled, that is 400-700 µs
 * of CPU per unary gRPC call against ~100 µs for @grpc/grpc-js (issue 5). A unary call is one
 * buffer in and one buffer out, so this path does exactly that: the router's interceptors and the
 * same service implementation run (unary-call.ts), and connect's setTrailerStatus writes the
 * status. Responses go out uncompressed, as grpc-go (ZITADEL) sends them to a client whose request
 * was not compressed: gzip of a large list page costs more CPU than it saves on a data-centre link.
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
 * Serves a unary gRPC call and returns true, or returns false without touching the request when
 * it is not one this path knows.
 */
export type GrpcUnaryFastPath = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, path: string, fallback: ConnectFallback) => boolean;

const grpcProto = /^application\/grpc(?:\+proto)?$/i;
const timeoutPattern = /^(\d{1,8})([HMSmun])$/;
const timeoutUnitMs: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };
const envelopeHeaderBytes = 5;

export function createGrpcUnaryFastPath(specs: ReadonlyMap<string, UnarySpec>, options: GrpcUnaryFastPathOptions): GrpcUnaryFastPath {
  const maxTimeoutMs = options.maxTimeoutMs ?? Number.MAX_SAFE_INTEGER;

  return (req, res, path, fallback) => {
    const spec = specs.get(path);
    if (spec === undefined || req.method !== "POST" || !grpcProto.test(req.headers["content-type"] ?? "")) return false;
    const encoding = req.headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    const timeoutMs = parseTimeout(req.headers["grpc-timeout"]);
    if (timeoutMs === null || (timeoutMs !== undefined && timeoutMs > maxTimeoutMs)) return false;
    readBody(req, options.readMaxBytes + envelopeHeaderBytes, fallback, (body) => {
      const input = decodeEnvelope(spec, body, options.binaryOptions);
      if (input === undefined) fallback(replay(body));
      else void invoke(spec, input, req, res, timeoutMs);
    });
    return true;
  };

  async function invoke(spec: UnarySpec, input: object, req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, timeoutMs: number | undefined): Promise<void> {
    const init = {
      protocolName: "grpc",
      url: `http://${req.authority}${req.url}`,
      // Every header as it came, without HTTP/2's pseudo-headers (":path"), as connect hands them over.
      requestHeader: new IncomingHeaders(req.headers),
      // What the interceptors and the implementation add; the protocol's own go in when the response is written.
      responseHeader: new Headers(),
      responseTrailer: new Headers(),
      values: options.contextValues?.(req) ?? createContextValues(),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
    let data: Uint8Array = new Uint8Array(0);
    try {
      const output = await runUnaryCall(spec, input, res, init, options);
      data = envelope(outputBytes(spec, output, options.writeMaxBytes));
    } catch (e) {
      setGrpcGoStatus(init.responseTrailer, e);
    }
    if (res.stream.destroyed || res.writableEnded) return;
    res.writeHead(200, { "content-type": "application/grpc+proto", ...nodeHeaders(init.responseHeader) });
    res.addTrailers({ "grpc-status": "0", ...nodeHeaders(init.responseTrailer) });
    res.end(data);
  }
}

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
function readBody(req: http2.Http2ServerRequest, maxBytes: number, fallback: ConnectFallback, done: (body: Buffer) => void): void {
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

/** An uncompressed gRPC message: flags 0, length, bytes. */
function envelope(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.byteLength + envelopeHeaderBytes);
  out[0] = 0;
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
