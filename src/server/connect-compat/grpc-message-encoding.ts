import type { UniversalServerResponse } from "@connectrpc/connect/protocol";

/*
 * Why this exists: the gRPC spec percent-encodes grpc-message minimally — only
 * bytes outside 0x20..0x7E, and "%" itself — and grpc-go (ZITADEL's server)
 * does exactly that. connect-es encodes with encodeURIComponent(), which also
 * escapes ":", ",", "/", "=" and friends; @grpc/grpc-js (used by
 * @zitadel/node) decodes with decodeURI(), which leaves those escaped, so its
 * users would read "invalid%3A …". Re-encoding the trailer the spec's way is
 * readable by every client: decodeURIComponent() and decodeURI() both undo it.
 */

/** connect's answer to a gRPC request, its grpc-message re-encoded as grpc-go does once the status is in the trailer. */
export function withGrpcGoMessage(res: UniversalServerResponse): UniversalServerResponse {
  const trailer = res.trailer;
  if (trailer === undefined) {
    return res;
  }
  // The status lands in the trailer when the response body ends.
  const fix = () => {
    const message = trailer.get("grpc-message");
    if (message !== null) {
      trailer.set("grpc-message", encodeGrpcMessage(decodeConnectMessage(message)));
    }
  };
  const body = res.body;
  if (body === undefined) {
    fix();
    return res;
  }
  return {
    ...res,
    body: (async function* () {
      try {
        yield* body;
      } finally {
        fix();
      }
    })(),
  };
}

function decodeConnectMessage(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Percent-encoding of grpc-message as the gRPC HTTP/2 spec defines it. */
export function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) {
      out += String.fromCharCode(byte);
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}
