import { fromJson, toBinary, toJsonString, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError, createServiceImplSpec, type ConnectRouter, type ContextValues, type HandlerContext, type Interceptor, type MethodImplSpec } from "@connectrpc/connect";
import { createMethodUrl, invokeUnaryImplementation } from "@connectrpc/connect/protocol";
import type { NodeResponse } from "./node-http.js";

/*
 * Running a unary method's implementation without connect-node's universal request and response:
 * the router's interceptors and the same implementation, in a handler context with one
 * AbortController (connect's createHandlerContext links three, and aborts them with a freshly
 * made DOMException when each call ends). Shared by the unary gRPC path and REST.
 */

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

export interface UnaryCallOptions {
  /** The router's interceptors, in the router's order. */
  interceptors: Interceptor[];
  writeMaxBytes?: number;
  shutdownSignal?: AbortSignal;
}

/** What a call looks like to the interceptors and the implementation. */
export interface UnaryCallInit {
  protocolName: string;
  url: string;
  requestHeader: Headers;
  responseHeader: Headers;
  responseTrailer: Headers;
  values: ContextValues;
  timeoutMs?: number;
}

/** Aborts the call's signal when it ends, as connect does, so work tied to it stops. */
const callFinished = new ConnectError("call finished", Code.Canceled);

/**
 * Runs `spec` on `input` and returns the output message, or throws the call's error. The call's
 * signal is aborted when the client goes away (`res` closes), the deadline passes, the server
 * shuts down, or the call ends.
 */
export async function runUnaryCall(spec: UnarySpec, input: object, res: NodeResponse, init: UnaryCallInit, options: UnaryCallOptions): Promise<unknown> {
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onClose = () => abort(new ConnectError("operation was aborted via signal", Code.Canceled));
  res.once("close", onClose);
  const { timeoutMs } = init;
  const deadlineAt = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const deadline = timeoutMs === undefined ? undefined : setTimeout(() => abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)), timeoutMs);
  const onShutdown = () => abort(options.shutdownSignal?.reason);
  options.shutdownSignal?.addEventListener("abort", onShutdown);
  const context: HandlerContext = {
    method: spec.method,
    service: spec.method.parent,
    requestMethod: "POST",
    protocolName: init.protocolName,
    url: init.url,
    signal: controller.signal,
    timeoutMs: () => (deadlineAt === undefined ? undefined : deadlineAt - Date.now()),
    requestHeader: init.requestHeader,
    responseHeader: init.responseHeader,
    responseTrailer: init.responseTrailer,
    values: init.values,
  };
  try {
    return await invokeUnaryImplementation(spec, context, input as never, options.interceptors);
  } finally {
    res.off("close", onClose);
    clearTimeout(deadline);
    options.shutdownSignal?.removeEventListener("abort", onShutdown);
    abort(callFinished);
  }
}

/** A call's error as connect reports it: its own errors as they are, anything else as Internal without its message. */
export function callError(error: unknown): ConnectError {
  return error instanceof ConnectError ? error : new ConnectError("internal error", Code.Internal, undefined, undefined, error);
}

/** The binary output message, refused past writeMaxBytes as connect refuses it. */
export function outputBytes(spec: UnarySpec, output: unknown, writeMaxBytes?: number): Uint8Array {
  return withinWriteMax(toBinary(spec.method.output, output as never), writeMaxBytes);
}

const textEncoder = new TextEncoder();

/** The output message as JSON (connect's default JSON: lowerCamel names, zero values left out), refused past writeMaxBytes. */
export function outputJson(spec: UnarySpec, output: unknown, writeMaxBytes?: number): Uint8Array {
  return withinWriteMax(textEncoder.encode(toJsonString(spec.method.output, output as never)), writeMaxBytes);
}

function withinWriteMax(bytes: Uint8Array, writeMaxBytes = 0xffffffff): Uint8Array {
  if (bytes.byteLength > writeMaxBytes) {
    throw new ConnectError(`message size ${bytes.byteLength} is larger than configured writeMaxBytes ${writeMaxBytes}`, Code.ResourceExhausted);
  }
  return bytes;
}

/** The input message of a JSON request, with connect's error when it does not decode. */
export function inputFromJson(spec: UnarySpec, json: JsonValue): object {
  try {
    // grpc-gateway's DiscardUnknown, and the router's jsonOptions.
    return fromJson(spec.method.input, json, { ignoreUnknownFields: true });
  } catch (e) {
    throw ConnectError.from(e, Code.InvalidArgument);
  }
}
