import { create, fromJson, toBinary, toJsonString, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError, createServiceImplSpec, type ConnectRouter, type ContextValues, type HandlerContext, type Interceptor, type MethodImplSpec, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { createMethodUrl } from "@connectrpc/connect/protocol";
import type { NodeResponse } from "../node-http.js";

/*
 * Running a unary method's implementation without connect-node's universal request and response:
 * the router's interceptors and the same implementation, in a handler context whose signal is
 * made only if read (connect's createHandlerContext links three AbortControllers, and aborts them
 * with a freshly made DOMException when each call ends). Shared by the unary fast path (gRPC,
 * gRPC-Web, Connect) and REST.
 */

/** How JSON requests are read, by the router and by both direct paths: grpc-gateway's DiscardUnknown (also connect's default, stated to stay so). */
export const jsonReadOptions = { ignoreUnknownFields: true };

/**
 * How JSON request bodies are decoded, by the router and by both direct paths: bytes that are not
 * UTF-8 are InvalidArgument. A lenient decoder would turn them into U+FFFD, and the request would
 * store something other than the client sent.
 */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

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
  const signal = new LazyAbortSignal();
  const onClose = () => signal.abort(new ConnectError("operation was aborted via signal", Code.Canceled));
  res.once("close", onClose);
  const { timeoutMs } = init;
  const deadlineAt = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const deadline = timeoutMs === undefined ? undefined : setTimeout(() => signal.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)), timeoutMs);
  const onShutdown = () => signal.abort(options.shutdownSignal?.reason);
  options.shutdownSignal?.addEventListener("abort", onShutdown);
  const context = new CallContext(
    {
      method: spec.method,
      service: spec.method.parent,
      requestMethod: "POST",
      protocolName: init.protocolName,
      url: init.url,
      timeoutMs: () => (deadlineAt === undefined ? undefined : deadlineAt - Date.now()),
      requestHeader: init.requestHeader,
      responseHeader: init.responseHeader,
      responseTrailer: init.responseTrailer,
      values: init.values,
    },
    () => signal.get(),
  );
  try {
    return await invokeUnary(spec, context, input, options.interceptors);
  } finally {
    res.off("close", onClose);
    clearTimeout(deadline);
    options.shutdownSignal?.removeEventListener("abort", onShutdown);
    signal.abort(callFinished);
  }
}

/*
 * Why the signal is lazy: making an AbortSignal and aborting it when the call ends costs more
 * than a whole unary call's transport work (issue 5), and keygate's unary implementations never
 * read it. connect's invokeUnaryImplementation copies the signal into the interceptors' request
 * and the implementation's context, so it is made every call; invokeUnary below hands it on by
 * getter. The getters live on classes: V8 makes an object literal with a getter by a slow runtime
 * call, and the code such objects flow through turns megamorphic.
 */

/** An AbortSignal made when first read; aborted on creation if its call was aborted before. */
class LazyAbortSignal {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;

  get(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted && !this.controller.signal.aborted) this.controller.abort(this.reason);
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

type ContextFields = Omit<HandlerContext, "signal">;

/** A HandlerContext whose signal comes from `signalOf` when read. */
class CallContext implements HandlerContext {
  readonly method: ContextFields["method"];
  readonly service: ContextFields["service"];
  readonly requestMethod: string;
  readonly protocolName: string;
  readonly url: string;
  readonly timeoutMs: ContextFields["timeoutMs"];
  readonly requestHeader: Headers;
  readonly responseHeader: Headers;
  readonly responseTrailer: Headers;
  readonly values: ContextValues;

  constructor(fields: ContextFields, private readonly signalOf: () => AbortSignal) {
    this.method = fields.method;
    this.service = fields.service;
    this.requestMethod = fields.requestMethod;
    this.protocolName = fields.protocolName;
    this.url = fields.url;
    this.timeoutMs = fields.timeoutMs;
    this.requestHeader = fields.requestHeader;
    this.responseHeader = fields.responseHeader;
    this.responseTrailer = fields.responseTrailer;
    this.values = fields.values;
  }

  get signal(): AbortSignal {
    return this.signalOf();
  }
}

/** The request the interceptors see, its signal read from the call's context when asked for. */
class CallRequest implements UnaryRequest {
  readonly stream = false;
  readonly message: UnaryRequest["message"];
  readonly method: UnarySpec["method"];
  readonly service: UnaryRequest["service"];
  readonly requestMethod: string;
  readonly url: string;
  readonly header: Headers;
  readonly contextValues: ContextValues;

  constructor(spec: UnarySpec, input: object, private readonly context: CallContext) {
    this.message = input as UnaryRequest["message"];
    this.method = spec.method;
    this.service = spec.method.parent;
    this.requestMethod = context.requestMethod;
    this.url = context.url;
    this.header = context.requestHeader;
    this.contextValues = context.values;
  }

  get signal(): AbortSignal {
    return this.context.signal;
  }
}

/**
 * connect's invokeUnaryImplementation, with the signal handed on by getter: the interceptors in
 * the router's order, then the implementation in a context with the request's headers and values
 * as the interceptors left them.
 */
async function invokeUnary(spec: UnarySpec, context: CallContext, input: object, interceptors: readonly Interceptor[]): Promise<unknown> {
  const { method } = spec;
  const implement: UnaryFn = async (req) => {
    const implementationContext = new CallContext({ ...fieldsOf(context), requestHeader: req.header, values: req.contextValues }, () => req.signal);
    const output = await spec.impl(req.message as never, implementationContext);
    return { stream: false, message: create(method.output, output as never), method, service: method.parent, header: context.responseHeader, trailer: context.responseTrailer };
  };
  const next = interceptors.reduceRight<UnaryFn>((inner, interceptor) => interceptor(inner as AnyFn) as UnaryFn, implement);
  const { message, header, trailer } = await next(new CallRequest(spec, input, context));
  copyInto(context.responseHeader, header);
  copyInto(context.responseTrailer, trailer);
  return message;
}

type UnaryFn = (req: UnaryRequest) => Promise<UnaryResponse>;
type AnyFn = Parameters<Interceptor>[0];

function fieldsOf({ method, service, requestMethod, protocolName, url, timeoutMs, requestHeader, responseHeader, responseTrailer, values }: CallContext): ContextFields {
  return { method, service, requestMethod, protocolName, url, timeoutMs, requestHeader, responseHeader, responseTrailer, values };
}

/** Headers an interceptor answered with in place of the call's, copied over them (as connect does). */
function copyInto(to: Headers, from: Headers): void {
  if (from === to) return;
  [...to.keys()].forEach((key) => to.delete(key));
  from.forEach((value, key) => to.set(key, value));
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
    return fromJson(spec.method.input, json, jsonReadOptions);
  } catch (e) {
    throw ConnectError.from(e, Code.InvalidArgument);
  }
}
