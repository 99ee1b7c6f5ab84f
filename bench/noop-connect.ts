/**
 * Baseline (child process): a no-op Connect handler for ManagementService/Healthz.
 *   plain:   connect-node's connectNodeAdapter on http2.createServer (h2c), as connect documents it;
 *   keygate: keygate's own createConnectHandler + createMuxServer, without interceptors or database,
 *            which isolates keygate's transport plumbing from connect-node's;
 *   fast:    plain, with the experimental unary gRPC path (experiments/grpc-unary-fast-path.ts) in front.
 */
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { createConnectRouter, type ConnectRouter } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, connectNodeAdapter } from "@connectrpc/connect-node";
import { createGrpcUnaryFastPath, recordUnarySpecs } from "./experiments/grpc-unary-fast-path.js";
import { ManagementService } from "../src/gen/zitadel/management_pb.js";
import { createConnectHandler } from "../src/server/connect-handler.js";
import { createMuxServer } from "../src/server/mux.js";
import { serveRequests } from "./lib/procs.js";
import { profileCommands } from "./lib/profile-control.js";

const mode = process.argv[2] ?? "plain";
const routes = (router: ConnectRouter) => router.service(ManagementService, { healthz: () => ({}) });

let url: string;
if (mode === "plain") {
  const server = http2.createServer(connectNodeAdapter({ routes }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
} else if (mode === "fast") {
  const specs = new Map();
  const router = createConnectRouter();
  routes(recordUnarySpecs(router, specs));
  const fallback = new Map(router.handlers.map((h) => [h.requestPath, h]));
  const fast = createGrpcUnaryFastPath(specs, fallback, { interceptors: [], readMaxBytes: 4 * 1024 * 1024, acceptCompression: [compressionGzip, compressionBrotli] });
  const adapter = connectNodeAdapter({ routes });
  const server = http2.createServer((req, res) => {
    if (!fast(req, res, req.url)) adapter(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
} else {
  const { handler } = createConnectHandler({ routes });
  const server = createMuxServer(handler);
  const address = await server.listen(0, "127.0.0.1");
  url = `http://127.0.0.1:${address.port}`;
}
const profile = profileCommands();
serveRequests(async (m) => (await profile(m)) ?? {});
process.send!({ type: "ready", url });
