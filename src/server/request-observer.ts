import { randomUUID } from "node:crypto";
import * as http2 from "node:http2";
import { performance } from "node:perf_hooks";
import { Code, ConnectError, createContextKey, createContextValues } from "@connectrpc/connect";
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import type { Span } from "@opentelemetry/api";
import { callerKey, identityKey } from "../api/call-context.js";
import type { ClassifiedHandler, ClassifiedRequest, Protocol, RequestClassifier } from "./classified-request.js";
import type { NodeHandler, NodeRequest, NodeResponse } from "./node-http.js";
import { restCallKey } from "./rest/rest-call.js";
import { parseTraceparent, type Tracing } from "./tracing.js";

/** One finished request, as logs and metrics see it. */
export interface RequestRecord {
  protocol: Protocol;
  /** "package.Service/Method"; the path of a plain route; "unmatched" for REST paths no rule has. */
  method: string;
  /** The gRPC status in Connect's spelling: "ok", "not_found", "internal", ... */
  code: string;
  httpStatus: number;
  durationMs: number;
  orgId?: string;
  callerId?: string;
  /** REST only: the HTTP method and path it came as. */
  http?: string;
  /** The error's message and, when it has one, its cause's. */
  error?: string;
  /** Made for each request, traced or not. */
  requestId: string;
  /**
   * The trace the request belongs to, and its span: keygate's own when tracing is on, else the
   * caller's from its `traceparent`; absent when neither is there.
   */
  traceId?: string;
  spanId?: string;
  remoteAddress?: string;
  userAgent?: string;
}

export interface RequestListener {
  started?(protocol: Protocol): void;
  finished(record: RequestRecord): void;
}

/** What is known of a request in flight; the interceptor fills in what only the RPC layer sees. */
interface Tracking {
  protocol: Protocol;
  startedAt: number;
  requestId: string;
  /** Read on arrival: once the response is gone, an HTTP/2 session's socket may be too. */
  remoteAddress: string | undefined;
  /** The request's span, when tracing is on. */
  span: Span | undefined;
  method?: string;
  code?: string;
  http?: string;
  error?: string;
  orgId?: string;
  callerId?: string;
}

export interface RequestObserver {
  /** Outermost interceptor: sees the final status code, the caller and REST's origin. */
  readonly interceptor: Interceptor;
  /** For createConnectHandler's contextValues: links each call to its request. */
  readonly contextValues: (req: NodeRequest) => ContextValues;
  /**
   * The door: classifies each request once (`classify`), times it from arrival until its response
   * is gone, reports it to the listeners, and hands it on with its classification.
   */
  wrap(handler: ClassifiedHandler, classify: RequestClassifier): NodeHandler;
}

const trackingKey = createContextKey<Tracking | undefined>(undefined, { description: "request tracking" });

/** `tracing`, when on, gives each request a span (see tracing.ts). */
export function createRequestObserver(listeners: readonly RequestListener[], tracing?: Tracing): RequestObserver {
  const inFlight = new WeakMap<NodeRequest, Tracking>();
  return {
    interceptor: (next) => async (req) => {
      const tracking = req.contextValues.get(trackingKey);
      if (!tracking) return next(req);
      tracking.method = `${req.service.typeName}/${req.method.name}`;
      const rest = req.contextValues.get(restCallKey);
      if (rest) tracking.http = `${rest.httpMethod} ${rest.path}`;
      const settle = (error?: unknown) => settleCall(tracking, req.contextValues, error);
      try {
        // Again here: a body read through stream events (HTTP/2, the fast path) left the door's context behind.
        const res = await (tracking.span === undefined ? next(req) : tracing!.within(tracking.span, () => next(req)));
        if (!res.stream) settle();
        return res.stream ? { ...res, message: settleAtEnd(res.message, settle) } : res;
      } catch (error) {
        settle(error);
        throw error;
      }
    },
    contextValues: (req) => createContextValues().set(trackingKey, inFlight.get(req)),
    wrap: (handler, classify) => (req, res) => {
      const request = classify(req);
      const span = tracing?.startCall(req);
      const tracking: Tracking = { protocol: request.protocol, startedAt: performance.now(), requestId: randomUUID(), remoteAddress: req.socket.remoteAddress, span };
      inFlight.set(req, tracking);
      listeners.forEach((l) => l.started?.(tracking.protocol));
      res.once("close", () => {
        const record = recordOf(tracking, req, res, request);
        const trace = span?.spanContext() ?? parseTraceparent(req.headers.traceparent);
        if (trace !== undefined) {
          record.traceId = trace.traceId;
          record.spanId = trace.spanId;
        }
        if (span !== undefined) tracing!.endCall(span, record, req);
        listeners.forEach((l) => l.finished(record));
      });
      if (span === undefined) handler(req, res, request);
      else tracing!.within(span, () => handler(req, res, request));
    },
  };
}

function settleCall(tracking: Tracking, values: ContextValues, error: unknown): void {
  const caller = values.get(callerKey);
  const identity = values.get(identityKey);
  tracking.orgId = caller?.actor.orgId ?? identity?.homeOrgId;
  tracking.callerId = caller?.actor.userId ?? identity?.userId;
  if (error === undefined) {
    tracking.code = "ok";
    return;
  }
  const e = ConnectError.from(error);
  tracking.code = codeName(e.code);
  const cause = e.cause instanceof Error && e.cause !== error ? `: ${e.cause.message}` : "";
  tracking.error = `${e.rawMessage}${cause}`;
}

/** A server stream's outcome is known only when its last message is out, or the client left. */
async function* settleAtEnd<T>(messages: AsyncIterable<T>, settle: (error?: unknown) => void): AsyncIterable<T> {
  let settled = false;
  try {
    yield* messages;
    settled = true;
    settle();
  } catch (error) {
    settled = true;
    settle(error);
    throw error;
  } finally {
    if (!settled) settle(new ConnectError("the client ended the stream", Code.Canceled));
  }
}

function recordOf(tracking: Tracking, req: NodeRequest, res: NodeResponse, { path, route }: ClassifiedRequest): RequestRecord {
  const method = tracking.method ?? (route !== undefined ? path : "unmatched");
  const record: RequestRecord = {
    protocol: tracking.protocol,
    method: method.startsWith("/") && tracking.protocol !== "http" ? method.slice(1) : method,
    code: tracking.code ?? codeWithoutInterceptor(tracking.protocol, res),
    httpStatus: res.statusCode,
    durationMs: Math.round((performance.now() - tracking.startedAt) * 10) / 10,
    requestId: tracking.requestId,
  };
  if (tracking.orgId !== undefined) record.orgId = tracking.orgId;
  if (tracking.callerId !== undefined) record.callerId = tracking.callerId;
  if (tracking.protocol === "rest") record.http = tracking.http ?? `${req.method ?? ""} ${path}`;
  if (tracking.error !== undefined) record.error = tracking.error;
  if (tracking.remoteAddress !== undefined) record.remoteAddress = tracking.remoteAddress;
  if (req.headers["user-agent"] !== undefined) record.userAgent = req.headers["user-agent"];
  return record;
}

/**
 * The status of a request rejected before the interceptors ran (undecodable body, size limit,
 * unknown REST path): gRPC's from its trailers, the others' from the HTTP status.
 */
function codeWithoutInterceptor(protocol: Protocol, res: NodeResponse): string {
  if (!res.writableFinished) return "canceled";
  if (protocol === "grpc" || protocol === "grpc-web") {
    const sent = res instanceof http2.Http2ServerResponse ? { ...res.stream.sentHeaders, ...res.stream.sentTrailers } : {};
    const status = sent["grpc-status"] ?? res.getHeader("grpc-status");
    return status === undefined ? "unknown" : status === "0" ? "ok" : codeName(Number(status));
  }
  return httpStatusCodes[res.statusCode] ?? (res.statusCode < 400 ? "ok" : "unknown");
}

const httpStatusCodes: Readonly<Record<number, string>> = {
  400: "invalid_argument",
  401: "unauthenticated",
  403: "permission_denied",
  404: "not_found",
  405: "unimplemented",
  409: "already_exists",
  413: "resource_exhausted",
  415: "unimplemented",
  429: "resource_exhausted",
  499: "canceled",
  500: "internal",
  501: "unimplemented",
  503: "unavailable",
  504: "deadline_exceeded",
};

/** Connect's spelling of a gRPC code: DeadlineExceeded is "deadline_exceeded". */
function codeName(code: number): string {
  const name: string | undefined = Code[code];
  return name === undefined ? "unknown" : name.replace(/(?<!^)[A-Z]/g, (c) => `_${c}`).toLowerCase();
}
