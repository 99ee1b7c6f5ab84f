import { AsyncLocalStorage } from "node:async_hooks";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, createTraceState, trace, type Span, type Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { RoundTripListener } from "../store/round-trips.js";
import type { NodeRequest } from "./node-http.js";
import type { RequestRecord } from "./request-observer.js";

/*
 * OpenTelemetry traces: a SERVER span per request, a CLIENT span per database round trip under it,
 * exported over OTLP. Off unless an OTLP endpoint is configured, and then nothing of the SDK is
 * loaded and no span is made: the observer and the store skip their hooks.
 */

/** The attributes keygate sets, by their semantic-convention names (rpc.*, db.* as of semconv 1.26 and later). */
const ATTR = {
  rpcSystem: "rpc.system",
  rpcService: "rpc.service",
  rpcMethod: "rpc.method",
  grpcStatus: "rpc.grpc.status_code",
  orgId: "keygate.org_id",
  httpMethod: "http.request.method",
  httpStatus: "http.response.status_code",
  urlPath: "url.path",
  clientAddress: "client.address",
  userAgent: "user_agent.original",
  dbSystem: "db.system",
  dbSystemName: "db.system.name",
  dbQueryText: "db.query.text",
  dbBatchSize: "db.operation.batch.size",
} as const;

/** A finished request as the span needs it: the request observer's record (see there). */
export type FinishedCall = Pick<RequestRecord, "protocol" | "method" | "code" | "httpStatus" | "orgId" | "error">;

export interface Tracing {
  /** Starts a request's span: the child of its `traceparent`'s span when it has one. */
  startCall(req: NodeRequest): Span;
  /** Runs `fn` with `span` as the current call, so the database round trips made meanwhile are its children. */
  within<T>(span: Span, fn: () => T): T;
  /** Names the span for what the request turned out to be, records its outcome, ends it. */
  endCall(span: Span, call: FinishedCall, req: NodeRequest): void;
  /** For the store (openStore's roundTrips). */
  readonly roundTrips: RoundTripListener;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The standard variables decide: an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) turns tracing on, OTEL_SDK_DISABLED=true or an
 * OTEL_TRACES_EXPORTER without "otlp" keeps it off. Everything else (headers, timeout,
 * compression, sampler, batch delays, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) is read by the SDK.
 */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.split(",").map((e) => e.trim());
  if (exporters !== undefined && exporters[0] !== "" && !exporters.includes("otlp")) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** Starts the SDK when `tracingWanted`; undefined (and nothing loaded) otherwise. */
export async function startTracing(env: Env, logger: Logger): Promise<Tracing | undefined> {
  if (!tracingWanted(env)) return undefined;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf";
  if (protocol !== "http/protobuf") {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: keygate exports traces over OTLP http/protobuf`);
  }
  // Loaded only here: with tracing off, none of the SDK's modules is evaluated.
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { defaultResource, detectResources, envDetector, resourceFromAttributes }] =
    await Promise.all([import("@opentelemetry/sdk-trace-node"), import("@opentelemetry/exporter-trace-otlp-proto"), import("@opentelemetry/resources")]);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) override the name.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": "keygate" }))
    .merge(detectResources({ detectors: [envDetector] }));
  // Not registered globally: keygate's spans are made through this provider alone, so several
  // instances in one process (tests) each keep their own.
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  logger.info({ endpoint, protocol }, "tracing: exporting spans over OTLP");
  return createTracing(provider.getTracer("keygate"), () => provider.shutdown());
}

function createTracing(tracer: Tracer, shutdown: () => Promise<void>): Tracing {
  const current = new AsyncLocalStorage<Span>();
  return {
    startCall(req) {
      const parent = parseTraceparent(req.headers.traceparent);
      const context =
        parent === undefined
          ? ROOT_CONTEXT
          : trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true, traceState: tracestateOf(req.headers.tracestate) });
      const attributes = {
        [ATTR.clientAddress]: req.socket.remoteAddress,
        [ATTR.userAgent]: req.headers["user-agent"],
      };
      return tracer.startSpan(req.method ?? "request", { kind: SpanKind.SERVER, attributes }, context);
    },
    within: (span, fn) => current.run(span, fn),
    endCall(span, call, req) {
      if (call.protocol === "http") {
        span.updateName(`${req.method ?? ""} ${call.method}`);
        span.setAttributes({ [ATTR.httpMethod]: req.method, [ATTR.urlPath]: call.method, [ATTR.httpStatus]: call.httpStatus });
      } else {
        const slash = call.method.lastIndexOf("/");
        span.updateName(call.method);
        span.setAttributes({
          [ATTR.rpcSystem]: call.protocol === "grpc" || call.protocol === "grpc-web" ? "grpc" : "connect_rpc",
          [ATTR.rpcService]: slash < 0 ? call.method : call.method.slice(0, slash),
          [ATTR.rpcMethod]: call.method.slice(slash + 1),
          [ATTR.grpcStatus]: grpcStatusCode(call.code),
        });
      }
      if (call.orgId !== undefined) span.setAttribute(ATTR.orgId, call.orgId);
      if (serverErrors.has(call.code)) span.setStatus({ code: SpanStatusCode.ERROR, message: call.error ?? call.code });
      span.end();
    },
    roundTrips: {
      begin() {
        const call = current.getStore();
        // Only round trips of a sampled call: startup, migrations and background work make no orphan spans.
        if (call === undefined || !call.isRecording()) return undefined;
        const span = tracer.startSpan("postgresql", { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, call));
        const statements: string[] = [];
        return {
          statement: (sql) => statements.push(sql),
          end(error) {
            const text = statements.join(";\n");
            span.updateName(statements.length === 1 ? operationOf(text) : "BATCH");
            span.setAttributes({ [ATTR.dbSystem]: "postgresql", [ATTR.dbSystemName]: "postgresql", [ATTR.dbQueryText]: text });
            if (statements.length > 1) span.setAttribute(ATTR.dbBatchSize, statements.length);
            if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
            span.end();
          },
        };
      },
    },
    shutdown,
  };
}

/** The codes that mark a server span as failed, per the semantic conventions for gRPC servers. */
const serverErrors = new Set(["unknown", "deadline_exceeded", "unimplemented", "internal", "unavailable", "data_loss"]);

const grpcCodes = [
  "ok", "canceled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists", "permission_denied",
  "resource_exhausted", "failed_precondition", "aborted", "out_of_range", "unimplemented", "internal", "unavailable",
  "data_loss", "unauthenticated",
];

/** The numeric gRPC status of Connect's code name ("not_found" is 5). */
const grpcStatusCode = (code: string): number => {
  const index = grpcCodes.indexOf(code);
  return index < 0 ? 2 : index;
};

/** "SELECT", "INSERT", ...: the statement's first word, the operation's name. */
const operationOf = (sql: string): string => /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? "postgresql";

const tracestateOf = (header: string | string[] | undefined) => (typeof header === "string" && header !== "" ? createTraceState(header) : undefined);

/** A W3C trace context's ids and flags; what `traceparent` names. */
export interface TraceParent {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(-.*)?$/;

/**
 * Reads a `traceparent` header (W3C Trace Context): undefined when absent or invalid (version ff,
 * all-zero ids, or a version 00 header with more fields), as the specification says to ignore it.
 */
export function parseTraceparent(header: string | string[] | undefined): TraceParent | undefined {
  if (typeof header !== "string") return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}
