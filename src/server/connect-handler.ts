import { createRegistry } from "@bufbuild/protobuf";
import type { BinaryReadOptions, DescFile, DescMessage, DescService, Registry } from "@bufbuild/protobuf";
import { Code, ConnectError, createConnectRouter } from "@connectrpc/connect";
import type { ConnectRouter, ContextValues, Interceptor } from "@connectrpc/connect";
import type { Compression, UniversalHandler } from "@connectrpc/connect/protocol";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import { createRequestClassifier, routeSetsOf, type ClassifiedRequest, type RequestClassifier } from "./classified-request.js";
import { validatedBinaryBody, type BinaryRequestValidationOptions } from "./connect-compat/binary-request-validation.js";
import { withGrpcGoMessage } from "./connect-compat/grpc-message-encoding.js";
import { createUnaryFastPath } from "./connect-compat/unary-fast-path.js";
import { createHttpRoutes } from "./http-routes.js";
import type { HttpRoute } from "./http-routes.js";
import { abandonResponse, writeResponse } from "./node-http.js";
import { responseMetadataGuard } from "./response-metadata-guard.js";
import type { NodeHandler, NodeRequest, NodeResponse } from "./node-http.js";
import { defaultForwardHeader } from "./rest/forwarded-headers.js";
import type { ForwardHeader } from "./rest/forwarded-headers.js";
import type { RestRoute } from "./rest/rest-route.js";
import { createRestTranscoder } from "./rest/transcoder.js";
import { jsonReadOptions, recordUnarySpecs, strictUtf8, type UnarySpec } from "./connect-compat/unary-call.js";

/** Default request size limit: gRPC's default max receive message size. */
export const defaultReadMaxBytes = 4 * 1024 * 1024;

export interface RestOptions {
  /**
   * REST prefix per service type name; services not listed get no REST routes.
   * e.g. {"zitadel.management.v1.ManagementService": "/management/v1"}
   */
  prefixes: Readonly<Record<string, string>>;
  /** Which request headers a REST call forwards, and under which name. */
  forwardHeader?: ForwardHeader;
  /**
   * Extra error detail types to render in REST error bodies. Every message of
   * the registered services' files and their imports is known already
   * (zitadel.v1.ErrorDetail included, via zitadel/change.proto).
   */
  errorDetailTypes?: DescMessage[];
}

export interface ConnectHandlerOptions {
  /** Registers the services, as for connectNodeAdapter. Called once. */
  routes: (router: ConnectRouter) => void;
  /** Run for every call of every protocol, REST included, in this order. */
  interceptors?: Interceptor[];
  /**
   * Told once of each fault on a call's path that no interceptor turned into an answer: response
   * metadata that cannot be written, a throw while the answer was written. The call fails (Internal,
   * or its stream reset when the answer was under way); the process goes on. Default console.error.
   */
  onError?: (error: unknown) => void;
  /** Largest request message (and REST body). Default 4 MiB. */
  readMaxBytes?: number;
  writeMaxBytes?: number;
  /** Upper bound for client-requested timeouts. */
  maxTimeoutMs?: number;
  /** Aborted on shutdown so long-running handlers can stop. */
  shutdownSignal?: AbortSignal;
  /** Default gzip and brotli, like connectNodeAdapter. */
  acceptCompression?: Compression[];
  binaryOptions?: Partial<BinaryReadOptions>;
  /** Context values for each call (Connect, gRPC, gRPC-Web and REST). */
  contextValues?: (req: NodeRequest) => ContextValues;
  /** Plain HTTP endpoints, matched after the RPC paths and before REST. */
  httpRoutes?: HttpRoute[];
  /** REST transcoding from google.api.http rules; without it every other path is a REST 404. */
  rest?: RestOptions;
  /**
   * Serve unary gRPC, gRPC-Web and Connect calls (connect-compat/unary-fast-path.ts) and REST calls of unary methods
   * by the short path, without connect's universal request (connect-compat/unary-call.ts). Default true; false
   * sends every call through connect, which answers alike, only slower (tests and benchmarks compare the two).
   */
  unaryFastPath?: boolean;
}

export interface ConnectHandler {
  /**
   * For createMuxServer (or any http/http2 server). Classifies each request itself unless a door
   * in front of it (the request observer) did already and hands it what it found.
   */
  readonly handler: NodeHandler & ((req: NodeRequest, res: NodeResponse, request?: ClassifiedRequest) => void);
  /** What a request is, by the RPC paths and plain routes this handler serves: the door's classification. */
  readonly classify: RequestClassifier;
  /** The services registered by `routes`. */
  readonly services: readonly DescService[];
  /** The REST routes, most specific first (for logs and tests). */
  readonly restRoutes: readonly RestRoute[];
}

/**
 * One Node handler for everything keygate serves on its port, in this order:
 * 1. gRPC, gRPC-Web and Connect (JSON and binary) at /<package.Service>/<Method>;
 * 2. plain HTTP routes such as GET /healthz;
 * 3. REST, transcoded into a call of the same implementation as 1.
 *
 * This does what connectNodeAdapter does (same router, same request and
 * response conversion), but keeps the router's UniversalHandlers in hand:
 * REST needs to call them, undecodable binary request bodies get
 * InvalidArgument instead of connect's Internal, and grpc-message is
 * percent-encoded as grpc-go does it. Unary gRPC, gRPC-Web, Connect and REST
 * calls take a shorter path with the same interceptors and implementations
 * (connect-compat/, whose README says what each piece mirrors).
 */
export function createConnectHandler(options: ConnectHandlerOptions): ConnectHandler {
  const readMaxBytes = options.readMaxBytes ?? defaultReadMaxBytes;
  const acceptCompression = options.acceptCompression ?? [compressionGzip, compressionBrotli];
  const onError = options.onError ?? ((error: unknown) => console.error("call failed", error));
  // Outermost, so that it sees the metadata every other interceptor and the implementation set.
  const interceptors = [responseMetadataGuard(onError), ...(options.interceptors ?? [])];
  const router = createConnectRouter({
    interceptors,
    readMaxBytes,
    writeMaxBytes: options.writeMaxBytes,
    maxTimeoutMs: options.maxTimeoutMs,
    shutdownSignal: options.shutdownSignal,
    acceptCompression,
    binaryOptions: options.binaryOptions,
    jsonOptions: routerJsonOptions,
  });
  const unarySpecs = new Map<string, UnarySpec>();
  options.routes(recordUnarySpecs(router, unarySpecs));

  const handlers = router.handlers;
  const validation: BinaryRequestValidationOptions = { readMaxBytes, acceptCompression, binaryOptions: options.binaryOptions };
  const byPath = new Map<string, UniversalHandler>(handlers.map((h) => [h.requestPath, h]));
  const services = [...new Set(handlers.map((h) => h.service))];

  const directSpecs = options.unaryFastPath === false ? new Map<string, UnarySpec>() : unarySpecs;
  const unaryCallOptions = { interceptors, writeMaxBytes: options.writeMaxBytes, shutdownSignal: options.shutdownSignal };
  const rest = createRestTranscoder({
    handlers,
    prefixes: options.rest?.prefixes ?? {},
    readMaxBytes,
    registry: registryOf(services, options.rest?.errorDetailTypes ?? []),
    forwardHeader: options.rest?.forwardHeader ?? defaultForwardHeader,
    contextValues: options.contextValues,
    unary: { specs: directSpecs, options: unaryCallOptions },
    onError,
  });
  const httpRoutes = createHttpRoutes(options.httpRoutes ?? [], onError);
  const classify = createRequestClassifier(routeSetsOf(services, options.httpRoutes ?? []));

  const unaryFastPath = createUnaryFastPath(directSpecs, {
    ...unaryCallOptions,
    readMaxBytes,
    maxTimeoutMs: options.maxTimeoutMs,
    binaryOptions: options.binaryOptions,
    acceptCompression,
    contextValues: options.contextValues,
    onError,
  });

  const handler = (req: NodeRequest, res: NodeResponse, request = classify(req)) => {
    const rpc = byPath.get(request.path);
    if (rpc === undefined) {
      if (!httpRoutes(req, res, request.path)) rest.handle(req, res, request);
      return;
    }
    const viaConnect = (body?: AsyncIterable<Uint8Array>) => serveRpc(rpc, req, res, request, { contextValues: options.contextValues, validation, onError }, body);
    if (!unaryFastPath(req, res, request, viaConnect)) viaConnect();
  };
  return { handler, classify, services, restRoutes: rest.routes };
}

/**
 * connectNodeAdapter's request path, for one handler; `body` replaces a request body read already.
 * Binary request messages are checked as connect reads them, and a gRPC answer's grpc-message is
 * encoded as grpc-go's (see connect-compat/).
 */
function serveRpc(
  handler: UniversalHandler,
  req: NodeRequest,
  res: NodeResponse,
  request: ClassifiedRequest,
  options: { contextValues: ((req: NodeRequest) => ContextValues) | undefined; validation: BinaryRequestValidationOptions; onError: (error: unknown) => void },
  body?: AsyncIterable<Uint8Array>,
): void {
  let universalRequest;
  try {
    universalRequest = universalRequestFromNodeRequest(req, res, undefined, options.contextValues?.(req));
  } catch {
    // Only an HTTP/1.0 request without Host gets here (no authority to build a URL from).
    writeResponse(res, 400, {});
    return;
  }
  let requestBody = body ?? universalRequest.body;
  if (request.framing !== undefined && req.method === "POST" && isByteStream(requestBody)) {
    const encoding = universalRequest.header.get(request.framing.encodingHeader);
    requestBody = validatedBinaryBody(requestBody, handler.method.input, request.framing, encoding, options.validation);
  }
  if (requestBody !== universalRequest.body) universalRequest = { ...universalRequest, body: requestBody };
  handler(universalRequest)
    .then((universalResponse) => universalResponseToNodeResponse(request.protocol === "grpc" ? withGrpcGoMessage(universalResponse) : universalResponse, res))
    .catch((reason: unknown) => {
      // Aborted: the client went away; nothing to answer and nothing to report.
      if (ConnectError.from(reason).code === Code.Aborted) {
        return;
      }
      options.onError(reason);
      abandonResponse(res);
    });
}

/**
 * The router hands its JSON options to connect's createJsonSerialization, which also takes the text
 * decoder from them (its JsonSerializationOptions; the router's type names only the read and write options).
 */
const routerJsonOptions = { ...jsonReadOptions, textDecoder: strictUtf8 };

function isByteStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}

/** Every type in the services' files and everything they import, plus the extras. */
function registryOf(services: readonly DescService[], extra: readonly DescMessage[]): Registry {
  const files = new Set<DescFile>();
  const visit = (file: DescFile) => {
    if (!files.has(file)) {
      files.add(file);
      file.dependencies.forEach(visit);
    }
  };
  services.forEach((s) => visit(s.file));
  return createRegistry(...files, ...extra);
}
