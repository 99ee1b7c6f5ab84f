import { Writable } from "node:stream";
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { Http2SessionManager, createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { embeddedBackend, type Backend } from "../support/backends.js";

export const embedded: Backend = embeddedBackend();

/** Every JSON line a logger wrote, as text and parsed. */
export interface LogCapture {
  stream: Writable;
  text(): string;
  lines(): Array<Record<string, unknown>>;
}

export function captureLog(): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const text = () => chunks.join("");
  const lines = () =>
    text()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, text, lines };
}

export type ProtocolName = "grpc" | "grpc-web" | "connect";

/** ManagementService clients over gRPC (h2c), gRPC-Web and Connect (HTTP/1.1), as `token`. */
export function clientsFor(baseUrl: string, token: string): { clients: Record<ProtocolName, Client<typeof ManagementService>>; close(): void } {
  const sessions = new Http2SessionManager(baseUrl);
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const make = (transport: (interceptors: Interceptor[]) => Transport) => createClient(ManagementService, transport([auth]));
  return {
    clients: {
      grpc: make((interceptors) => createGrpcTransport({ baseUrl, sessionManager: sessions, interceptors })),
      "grpc-web": make((interceptors) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors })),
      connect: make((interceptors) => createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors })),
    },
    close: () => sessions.abort(),
  };
}

/** Scrapes /metrics and returns the value of one sample, or undefined if it is absent. */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return sampleValue(text, name, labels);
}

export function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}
