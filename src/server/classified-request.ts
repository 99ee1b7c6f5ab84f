import type { DescService } from "@bufbuild/protobuf";
import { contentTypeUnaryRegExp } from "@connectrpc/connect/protocol-connect";
import type { NodeRequest, NodeResponse } from "./node-http.js";

/*
 * What a request is, decided once at the door from its URL and content type, and handed to
 * everything after: the request observer (logs, metrics), the routing to RPCs, plain routes and
 * REST, the unary fast path, and the binary request validation.
 */

/** How a request arrived; "http" is a plain route such as /healthz or /metrics. */
export type Protocol = "grpc" | "grpc-web" | "connect" | "rest" | "http";

/** How a request's binary (protobuf) messages lie in its body, and the header naming their compression. */
export interface BinaryFraming {
  /** "enveloped": 5-byte prefixed messages (gRPC, gRPC-Web, Connect streaming); "whole": the body is the message (Connect unary). */
  layout: "enveloped" | "whole";
  encodingHeader: "grpc-encoding" | "connect-content-encoding" | "content-encoding";
}

export interface ClassifiedRequest {
  readonly protocol: Protocol;
  /** The URL's path, still percent-encoded, without the query. */
  readonly path: string;
  /** What follows the "?", or "" when nothing does. */
  readonly query: string;
  /** Which served route the path names: an RPC, a plain HTTP route, or neither (REST, or nothing). */
  readonly route: "rpc" | "http" | undefined;
  /** Set when the content type is a protocol's binary protobuf one. */
  readonly framing: BinaryFraming | undefined;
  /** A unary Connect request (`application/proto`, `application/json`): its body is the message. */
  readonly connectUnary: "proto" | "json" | undefined;
}

/** A handler after the door: the request, and what it is. */
export type ClassifiedHandler = (req: NodeRequest, res: NodeResponse, request: ClassifiedRequest) => void;

export type RequestClassifier = (req: NodeRequest) => ClassifiedRequest;

export interface RouteSets {
  /** "/package.Service/Method" of every served RPC. */
  rpcPaths: ReadonlySet<string>;
  /** Paths of the plain HTTP routes. */
  httpPaths: ReadonlySet<string>;
}

export function routeSetsOf(services: readonly DescService[], httpRoutes: readonly { path: string }[]): RouteSets {
  const rpcPaths = services.flatMap((s) => s.methods.map((m) => `/${s.typeName}/${m.name}`));
  return { rpcPaths: new Set(rpcPaths), httpPaths: new Set(httpRoutes.map((r) => r.path)) };
}

const grpcEnveloped: BinaryFraming = { layout: "enveloped", encodingHeader: "grpc-encoding" };

/** The binary protobuf content types, lower-cased, as connect's protocols spell them. */
const binaryFramings: ReadonlyMap<string, BinaryFraming> = new Map([
  ["application/grpc", grpcEnveloped],
  ["application/grpc+proto", grpcEnveloped],
  ["application/grpc-web", grpcEnveloped],
  ["application/grpc-web+proto", grpcEnveloped],
  ["application/connect+proto", { layout: "enveloped", encodingHeader: "connect-content-encoding" }],
  ["application/proto", { layout: "whole", encodingHeader: "content-encoding" }],
]);

export function createRequestClassifier(routes: RouteSets): RequestClassifier {
  return (req) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    const route = routes.rpcPaths.has(path) ? "rpc" : routes.httpPaths.has(path) ? "http" : undefined;
    return {
      protocol: protocolOf(contentType, route),
      path,
      query: q < 0 ? "" : url.slice(q + 1),
      route,
      framing: binaryFramings.get(contentType),
      connectUnary: connectUnaryOf(contentType),
    };
  };
}

function connectUnaryOf(contentType: string): ClassifiedRequest["connectUnary"] {
  if (contentType === "application/proto") return "proto";
  return contentType.startsWith("application/json") && contentTypeUnaryRegExp.test(contentType) ? "json" : undefined;
}

/** gRPC and gRPC-Web by their content types (any codec); Connect by its streaming ones or an RPC's path. */
function protocolOf(contentType: string, route: ClassifiedRequest["route"]): Protocol {
  if (contentType.startsWith("application/grpc-web")) return "grpc-web";
  if (contentType.startsWith("application/grpc")) return "grpc";
  if (contentType.startsWith("application/connect+") || route === "rpc") return "connect";
  return route === "http" ? "http" : "rest";
}
