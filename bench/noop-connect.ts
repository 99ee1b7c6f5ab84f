/**
 * Baseline (child process): a no-op Connect handler for ManagementService/Healthz.
 *   plain:   connect-node's connectNodeAdapter on http2.createServer (h2c), as connect documents it;
 *   keygate: keygate's own createConnectHandler + createMuxServer, without interceptors or database,
 *            which isolates keygate's transport plumbing from connect-node's;
 *   keygate-connect-only: the same with the unary gRPC fast path off (every call through connect).
 */
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
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
} else {
  const { handler } = createConnectHandler({ routes, unaryFastPath: mode !== "keygate-connect-only" });
  const server = createMuxServer(handler);
  const address = await server.listen(0, "127.0.0.1");
  url = `http://127.0.0.1:${address.port}`;
}
const profile = profileCommands();
serveRequests(async (m) => (await profile(m)) ?? {});
process.send!({ type: "ready", url });
