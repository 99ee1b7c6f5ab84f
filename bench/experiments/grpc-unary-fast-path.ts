/**
 * EXPERIMENT (not wired into keygate): a direct path for unary gRPC calls over HTTP/2.
 *
 * connect-node serves every call through its universal request/response (a WHATWG Headers copy of
 * the node headers, an AbortController aborted with a DOMException on every close, a URL) and a
 * pipeline of ~10 async generators (split envelope, parse, invoke, serialize, compress, join,
 * catch, untilFirst, the node response writer), and keygate wraps two more generator layers
 * around it (binary-request-validation, grpc-message re-encoding). For a unary call all of that
 * is one buffer in and one buffer out. This path does exactly that, with connect's own pieces
 * where they are cheap: compressionNegotiate, invokeUnaryImplementation (so the router's
 * interceptors and the same service implementation run), setTrailerStatus; the HandlerContext is
 * built here with one AbortController instead of createHandlerContext's three linked ones.
 *
 * Anything it does not handle exactly like connect (a compressed request, a malformed or
 * oversized envelope, an undecodable message, a bad grpc-timeout, streaming methods, other
 * content types) is handed to the regular connect path with the bytes already read, so every
 * error keeps connect's (and keygate's) code and message.
 */
import * as http2 from "node:http2";
import { fromBinary, toBinary, type BinaryReadOptions, type DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, createServiceImplSpec, type ConnectRouter, type ContextValues, type HandlerContext, type Interceptor, type MethodImplSpec } from "@connectrpc/connect";
import { compressionNegotiate, createMethodUrl, invokeUnaryImplementation, type Compression, type UniversalHandler } from "@connectrpc/connect/protocol";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";

export type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;

/** Wraps a router so that the unary method implementations it registers are known by request path. */
export function recordUnarySpecs(router: ConnectRouter, specs: Map<string, UnarySpec>): ConnectRouter {
  const recording: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service(service, implementation, options) {
      router.service(service, implementation, options);
      // Per-service options could change behaviour this path does not know about: leave those to connect.
      if (options === undefined) {
        const spec = createServiceImplSpec(service, implementation);
        for (const method of Object.values(spec.methods)) if (method.kind === "unary") specs.set(createMethodUrl("/", method.method), method);
      }
      return recording;
    },
    rpc(method, implementation, options) {
      router.rpc(method, implementation, options);
      return recording;
    },
  };
  return recording;
}

export interface FastPathOptions {
  interceptors: Interceptor[];
  readMaxBytes: number;
  writeMaxBytes?: number;
  maxTimeoutMs?: number;
  compressMinBytes?: number;
  acceptCompression: Compression[];
  binaryOptions?: Partial<BinaryReadOptions>;
  shutdownSignal?: AbortSignal;
  contextValues?: (req: http2.Http2ServerRequest) => ContextValues;
  /** Re-encodes grpc-message (keygate: encodeGrpcMessage, as grpc-go); default connect's encodeURIComponent. */
  encodeGrpcMessage?: (message: string) => string;
}

const grpcProto = /^application\/grpc(?:\+proto)?$/i;
const timeoutPattern = /^(\d{1,8})([HMSmun])$/;
const timeoutUnitMs: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };
const callDone = new ConnectError("call finished", Code.Canceled);

/**
 * Returns a function that serves the request and returns true, or returns false without touching
 * it when the call is not a unary gRPC call this path knows.
 */
export function createGrpcUnaryFastPath(specs: ReadonlyMap<string, UnarySpec>, fallbackHandlers: ReadonlyMap<string, UniversalHandler>, options: FastPathOptions) {
  const maxTimeoutMs = options.maxTimeoutMs ?? Number.MAX_SAFE_INTEGER;
  const compressMinBytes = options.compressMinBytes ?? 1024;
  const writeMaxBytes = options.writeMaxBytes ?? 0xffffffff;

  return function serve(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, path: string): boolean {
    const spec = specs.get(path);
    if (spec === undefined || req.method !== "POST") return false;
    const headers = req.headers;
    if (!grpcProto.test(headers["content-type"] ?? "")) return false;
    const encoding = headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    let timeoutMs: number | undefined;
    const timeoutHeader = headers["grpc-timeout"] as string | undefined;
    if (timeoutHeader !== undefined) {
      const m = timeoutPattern.exec(timeoutHeader);
      if (m === null) return false;
      timeoutMs = timeoutUnitMs[m[2]!]! * parseInt(m[1]!, 10);
      if (timeoutMs > maxTimeoutMs) return false;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    const fallback = (rest: boolean) => {
      req.off("data", onData);
      req.off("end", onEnd);
      const buffered = Buffer.concat(chunks, size);
      const body = (async function* () {
        yield buffered;
        if (rest) for await (const chunk of req) yield chunk as Uint8Array;
      })();
      serveWithConnect(fallbackHandlers.get(path)!, req, res, body, options.contextValues);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > options.readMaxBytes + 5) {
        req.pause();
        fallback(true);
      }
    };
    const onEnd = () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (body.byteLength < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.byteLength - 5) return fallback(false);
      let input;
      try {
        input = fromBinary(spec.method.input, body.subarray(5), options.binaryOptions);
      } catch {
        return fallback(false);
      }
      void invoke(spec, input, req, res, timeoutMs);
    };
    req.on("data", onData);
    req.once("end", onEnd);
    return true;
  };

  async function invoke(spec: UnarySpec, input: unknown, req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, timeoutMs: number | undefined): Promise<void> {
    const requestHeader = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (k.charCodeAt(0) === 58 /* ":" */ || v === undefined) continue;
      if (Array.isArray(v)) for (const e of v) requestHeader.append(k, e);
      else requestHeader.append(k, String(v));
    }
    const compression = compressionNegotiate(options.acceptCompression, null, requestHeader.get("grpc-accept-encoding"), "grpc-accept-encoding");
    // One AbortController per call (connect's createHandlerContext links three): aborted when the
    // client cancels, the deadline passes, the server shuts down, or (as connect does) the call ends.
    const controller = new AbortController();
    let finished = false;
    const abort = (reason: unknown) => {
      if (!controller.signal.aborted) controller.abort(reason);
    };
    const onClose = () => {
      if (!finished) abort(new ConnectError("operation was aborted via signal", Code.Canceled));
    };
    res.once("close", onClose);
    const deadlineAt = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const deadline = timeoutMs === undefined ? undefined : setTimeout(() => abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)), timeoutMs);
    const onShutdown = () => abort(options.shutdownSignal!.reason);
    options.shutdownSignal?.addEventListener("abort", onShutdown);
    const context: HandlerContext = {
      method: spec.method,
      service: spec.method.parent,
      requestMethod: "POST",
      protocolName: "grpc",
      url: `http://${req.authority}${req.url}`,
      signal: controller.signal,
      timeoutMs: () => (deadlineAt === undefined ? undefined : deadlineAt - Date.now()),
      requestHeader,
      responseHeader: new Headers({ "content-type": "application/grpc+proto" }),
      responseTrailer: new Headers({ "grpc-status": "0" }),
      values: options.contextValues?.(req) ?? createContextValues(),
    };
    if (compression.response) context.responseHeader.set("grpc-encoding", compression.response.name);
    let data: Uint8Array = new Uint8Array(0);
    try {
      const output = await invokeUnaryImplementation(spec, context, input as never, options.interceptors);
      let bytes: Uint8Array = toBinary(spec.method.output as DescMessage, output as never);
      let flags = 0;
      if (compression.response && bytes.byteLength >= compressMinBytes) {
        bytes = await compression.response.compress(bytes);
        flags = 1;
      }
      if (bytes.byteLength > writeMaxBytes) throw new ConnectError(`message size ${bytes.byteLength} is larger than configured writeMaxBytes ${writeMaxBytes}`, Code.ResourceExhausted);
      data = envelope(flags, bytes);
    } catch (e) {
      setTrailerStatus(context.responseTrailer, e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e));
      const message = context.responseTrailer.get("grpc-message");
      if (message !== null && options.encodeGrpcMessage) context.responseTrailer.set("grpc-message", options.encodeGrpcMessage(decodeURIComponent(message)));
    } finally {
      finished = true;
      res.off("close", onClose);
      clearTimeout(deadline);
      options.shutdownSignal?.removeEventListener("abort", onShutdown);
      abort(callDone);
    }
    if (res.stream.destroyed || res.writableEnded) return;
    res.writeHead(200, nodeHeaders(context.responseHeader));
    res.addTrailers(nodeHeaders(context.responseTrailer));
    res.end(data);
  }
}

function envelope(flags: number, bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.byteLength + 5);
  out[0] = flags;
  out.writeUInt32BE(bytes.byteLength, 1);
  out.set(bytes, 5);
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

/** connect-node's own request path, with a body that replays what was read already. */
function serveWithConnect(
  handler: UniversalHandler,
  req: http2.Http2ServerRequest,
  res: http2.Http2ServerResponse,
  body: AsyncIterable<Uint8Array>,
  contextValues: ((req: http2.Http2ServerRequest) => ContextValues) | undefined,
): void {
  const universal = { ...universalRequestFromNodeRequest(req, res, undefined, contextValues?.(req)), body };
  handler(universal)
    .then((r) => universalResponseToNodeResponse(r, res))
    .catch(() => {});
}
