import type { DescMethod, JsonObject, Registry } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues } from "@connectrpc/connect";
import type { ContextValues } from "@connectrpc/connect";
import { createAsyncIterable, readAllBytes } from "@connectrpc/connect/protocol";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import { universalRequestFromNodeRequest } from "@connectrpc/connect-node";
import type { ClassifiedHandler } from "../classified-request.js";
import { abandonResponse, callUrl, type NodeRequest, type NodeResponse } from "../node-http.js";
import { readBodyWithin } from "../read-body.js";
import { connectErrorFromResponse, sendRestError } from "./error-response.js";
import { forwardedHeaders } from "./forwarded-headers.js";
import type { ForwardHeader } from "./forwarded-headers.js";
import { httpBindingsOf } from "./http-rules.js";
import { sendJson } from "./json-response.js";
import { buildRequestJson } from "./request-message.js";
import { restCallKey } from "./rest-call.js";
import { compileRestRoute } from "./rest-route.js";
import type { RestRoute } from "./rest-route.js";
import { createRouteTable } from "./route-table.js";
import { callError, inputFromJson, outputJson, runUnaryCall, type UnaryCallOptions, type UnarySpec } from "../connect-compat/unary-call.js";

export interface RestTranscoderOptions {
  /**
   * The router's handlers. REST calls are turned into Connect unary JSON
   * calls of exactly these handlers (or of their implementations directly,
   * see `unary`), so interceptors, validation and error mapping run as for
   * every other protocol.
   */
  handlers: readonly UniversalHandler[];
  /**
   * REST prefix per service, by type name, e.g.
   * {"zitadel.management.v1.ManagementService": "/management/v1"}.
   * Services not listed get no REST routes.
   */
  prefixes: Readonly<Record<string, string>>;
  /** Largest accepted request body; larger ones get ResourceExhausted (HTTP 429). */
  readMaxBytes: number;
  /** Resolves error detail types for the JSON error body. */
  registry: Registry;
  /** Which request headers reach the call, and under which name. */
  forwardHeader: ForwardHeader;
  /** Context values for each call, as the Connect adapter gets them. */
  contextValues?: (req: NodeRequest) => ContextValues;
  /**
   * Unary implementations by request path, to call directly (connect-compat/unary-call.ts) instead of through the
   * handler's Connect JSON round trip; a method not in it goes through its handler.
   */
  unary?: { specs: ReadonlyMap<string, UnarySpec>; options: UnaryCallOptions };
  /** Told of a call's fault that no interceptor turned into an answer (a throw while answering). */
  onError: (error: unknown) => void;
}

export interface RestTranscoder {
  /** Serves every request it is handed; unknown paths get grpc-gateway's 404. */
  readonly handle: ClassifiedHandler;
  /** The compiled routes, most specific first. */
  readonly routes: readonly RestRoute[];
}

const textEncoder = new TextEncoder();

/** What a REST call hands the method: its headers (the forwarded ones), context values and RPC path. */
interface RestCallParts {
  header: Headers;
  contextValues: ContextValues;
  requestPath: string;
}

export function createRestTranscoder(options: RestTranscoderOptions): RestTranscoder {
  const handlersByMethod = new Map<DescMethod, UniversalHandler>();
  const routes: RestRoute[] = [];
  for (const handler of options.handlers) {
    const prefix = options.prefixes[handler.service.typeName];
    if (prefix === undefined || handlersByMethod.has(handler.method)) {
      continue;
    }
    handlersByMethod.set(handler.method, handler);
    for (const binding of httpBindingsOf(handler.method)) {
      routes.push(compileRestRoute(handler.method, binding, prefix));
    }
  }
  const table = createRouteTable(routes);

  async function serve(req: NodeRequest, res: NodeResponse, { path, query }: { path: string; query: string }): Promise<void> {
    const found = table.lookup(req.method ?? "", path);
    switch (found.kind) {
      case "not-found":
        sendRestError(res, new ConnectError("Not Found", Code.NotFound), options.registry);
        return;
      case "method-not-allowed":
        // ZITADEL's gateway answers a known path with the wrong method with
        // HTTP 405 but code 12, not grpc-gateway's 501.
        sendRestError(res, new ConnectError("Method Not Allowed", Code.Unimplemented), options.registry, {
          status: 405,
        });
        return;
      case "malformed-path":
        sendRestError(res, new ConnectError("invalid percent-encoding in path", Code.InvalidArgument), options.registry);
        return;
    }
    const { route, pathValues } = found;
    const handler = handlersByMethod.get(route.method);
    if (handler === undefined) {
      throw new Error(`no handler for ${route.method.parent.typeName}.${route.method.name}`);
    }
    // A rule without body takes everything from the URL; its body is never read.
    let body: Uint8Array = new Uint8Array(0);
    if (route.body !== "") {
      const read = await readBodyWithin(req, options.readMaxBytes);
      if (!read.ok) {
        sendRestError(res, read.error, options.registry, { closeConnection: true });
        return;
      }
      body = read.bytes;
    }
    const message = buildRequestJson(route, pathValues, new URLSearchParams(query), body);

    const contextValues = options.contextValues?.(req) ?? createContextValues();
    contextValues.set(restCallKey, { httpMethod: req.method ?? "", path, template: route.template.template });
    const header = forwardedHeaders(req.headers, options.forwardHeader);
    header.set("content-type", "application/json");
    header.set("connect-protocol-version", "1");
    const call = { header, contextValues, requestPath: handler.requestPath };
    const { unary } = options;
    const spec = unary?.specs.get(handler.requestPath);
    if (unary !== undefined && spec !== undefined) await callDirectly(spec, unary.options, message, req, res, call);
    else await callThroughHandler(handler, message, req, res, call);
  }

  /**
   * The call as a Connect JSON request to the router's handler, its answer sent as REST's: for
   * methods the direct path does not take (none of keygate's unary ones while it is on).
   */
  async function callThroughHandler(handler: UniversalHandler, message: JsonObject, req: NodeRequest, res: NodeResponse, call: RestCallParts): Promise<void> {
    const original = universalRequestFromNodeRequest(req, res, undefined, call.contextValues);
    const response = await handler({
      ...original,
      url: new URL(call.requestPath, original.url).toString(),
      method: "POST",
      header: call.header,
      body: createAsyncIterable([textEncoder.encode(JSON.stringify(message))]),
    });
    const responseBody =
      response.body === undefined ? new Uint8Array(0) : await readAllBytes(response.body, 0xffffffff);
    if (response.status === 200) {
      // Connect's JSON is grpc-gateway's: lowerCamel names, zero values left out.
      sendJson(res, 200, responseBody);
    } else {
      sendRestError(res, connectErrorFromResponse(response.status, responseBody), options.registry);
    }
  }

  /** The call as connect would run it for a Connect JSON request, with its answer sent as REST's. */
  async function callDirectly(
    spec: UnarySpec,
    callOptions: UnaryCallOptions,
    message: JsonObject,
    req: NodeRequest,
    res: NodeResponse,
    call: RestCallParts,
  ): Promise<void> {
    const init = {
      protocolName: "connect",
      url: callUrl(req, call.requestPath),
      requestHeader: call.header,
      responseHeader: new Headers({ "content-type": "application/json" }),
      responseTrailer: new Headers(),
      values: call.contextValues,
    };
    let body: Uint8Array;
    try {
      const output = await runUnaryCall(spec, inputFromJson(spec, message), res, init, callOptions);
      body = outputJson(spec, output, callOptions.writeMaxBytes);
    } catch (e) {
      sendRestError(res, callError(e), options.registry);
      return;
    }
    sendJson(res, 200, body);
  }

  const handle: ClassifiedHandler = (req, res, request) => {
    serve(req, res, request).catch((reason: unknown) => {
      // A throw once the answer is under way (its headers sent) leaves nothing to answer with.
      if (reason instanceof ConnectError && !res.headersSent) {
        sendRestError(res, reason, options.registry);
        return;
      }
      options.onError(reason);
      if (res.headersSent) abandonResponse(res);
      else sendRestError(res, new ConnectError("internal error", Code.Internal), options.registry);
    });
  };
  return { handle, routes: table.routes };
}
