import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from "@connectrpc/connect-node";

export type Protocol = "gRPC" | "gRPC-Web" | "Connect JSON" | "Connect binary";
export const PROTOCOLS: readonly Protocol[] = ["gRPC", "gRPC-Web", "Connect JSON", "Connect binary"];

/** Transports of every protocol to one keygate, as a caller with `token` and no org header. */
export function v2Transports(baseUrl: string) {
  const sessions = new Http2SessionManager(baseUrl);
  const make = (protocol: Protocol, token: string): Transport => {
    const interceptors: Interceptor[] = [
      (next) => (req) => {
        req.header.set("authorization", `Bearer ${token}`);
        return next(req);
      },
    ];
    switch (protocol) {
      case "gRPC":
        return createGrpcTransport({ baseUrl, sessionManager: sessions, interceptors });
      case "gRPC-Web":
        return createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors });
      case "Connect JSON":
        return createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors });
      case "Connect binary":
        return createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true, interceptors });
    }
  };
  return { make, close: () => sessions.abort() };
}
