/**
 * Baseline (child process): a no-op node:http server that reads a POSTed form and answers the JSON
 * keygate's introspection answered for the same token (BENCH_RESPONSE), with the same headers.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serveRequests } from "./lib/procs.js";
import { profileCommands } from "./lib/profile-control.js";

const body = Buffer.from(process.env.BENCH_RESPONSE ?? '{"active":false}');
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", pragma: "no-cache", "content-length": body.byteLength });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const profile = profileCommands();
  serveRequests(async (m) => (await profile(m)) ?? {});
  process.send!({ type: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
