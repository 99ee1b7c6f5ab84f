import type { IncomingHttpHeaders } from "node:http";

/** The name a request header is forwarded under, or undefined to drop it. */
export type ForwardHeader = (name: string) => string | undefined;

const passedThrough = new Set([
  "authorization",
  "accept-language",
  "user-agent",
  "host",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-request-id",
  "traceparent",
  "tracestate",
]);

const grpcMetadataPrefix = "grpc-metadata-";

/**
 * What ZITADEL's gateway forwards to its gRPC server: `x-zitadel-*`,
 * Authorization, Accept-Language and a few transport headers, plus
 * grpc-gateway's `Grpc-Metadata-<key>` convention as `<key>`. Everything else
 * (content-type, content-length, encodings) belongs to the REST request, not
 * to the call it becomes.
 */
export const defaultForwardHeader: ForwardHeader = (name) => {
  if (name.startsWith("x-zitadel-") || passedThrough.has(name)) {
    return name;
  }
  if (name.startsWith(grpcMetadataPrefix)) {
    const key = name.slice(grpcMetadataPrefix.length);
    // Metadata must not smuggle in protocol headers of the call itself.
    return key === "" || isProtocolHeader(key) ? undefined : key;
  }
  return undefined;
};

function isProtocolHeader(name: string): boolean {
  return (
    name.startsWith("content-") ||
    name.startsWith("connect-") ||
    name.startsWith("grpc-") ||
    name === "accept-encoding" ||
    name === "te"
  );
}

export function forwardedHeaders(incoming: IncomingHttpHeaders, forward: ForwardHeader): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    // Node lower-cases names; HTTP/2 pseudo-headers (":path") are never forwarded.
    const target = name.startsWith(":") ? undefined : forward(name);
    if (target === undefined || value === undefined) {
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      headers.append(target, v);
    }
  }
  return headers;
}
