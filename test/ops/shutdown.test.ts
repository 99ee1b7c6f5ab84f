import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import * as http from "node:http";
import * as http2 from "node:http2";
import { afterAll, expect, test } from "vitest";
import { createClient } from "@connectrpc/connect";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../src/gen/grpc/health/v1/health_pb.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { connectOnceClosed, connectOutcome } from "../support/closed-port.js";
import { templateDataDir, spawnKeygate } from "../support/keygate-process.js";
import { startTestKeygate } from "../support/keygate-server.js";
import { clientsFor, embedded, sampleValue } from "./ops-support.js";

const addAppKeyPath = "/zitadel.management.v1.ManagementService/AddAppKey";

/** A Connect JSON call whose body is sent in two halves, so it stays in flight until `finish()`. */
interface HeldCall {
  finish(): void;
  response: Promise<{ status: number; headers: Record<string, unknown>; body: string }>;
}

function holdOverHttp1(port: number, token: string, body: string): HeldCall {
  const req = http.request({ host: "127.0.0.1", port, method: "POST", path: addAppKeyPath, headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "content-length": Buffer.byteLength(body) } });
  const response = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
  });
  req.write(body.slice(0, 10));
  return { finish: () => req.end(body.slice(10)), response };
}

function holdOverHttp2(session: http2.ClientHttp2Session, token: string, body: string): HeldCall {
  const stream = session.request({ ":method": "POST", ":path": addAppKeyPath, "content-type": "application/json", authorization: `Bearer ${token}` });
  const response = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    let headers: http2.IncomingHttpHeaders = {};
    let text = "";
    stream.on("response", (h) => (headers = h));
    stream.on("data", (c: Buffer) => (text += c.toString()));
    stream.on("end", () => resolve({ status: Number(headers[":status"]), headers, body: text }));
    stream.on("error", reject);
  });
  stream.write(body.slice(0, 10));
  return { finish: () => stream.end(body.slice(10)), response };
}

async function inFlight(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return (["grpc", "connect"] as const).reduce((sum, protocol) => sum + (sampleValue(text, "keygate_requests_in_flight", { protocol }) ?? 0), 0);
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

test("SIGTERM: NOT_SERVING, no new connections, calls in flight finish OK on HTTP/1.1 and HTTP/2, exit code 0", async () => {
  const dataDir = await templateDataDir();
  dirs.push(dataDir);
  const token = randomBytes(32).toString("base64url");
  const keygate = spawnKeygate({ KEYGATE_DATA_DIR: dataDir, KEYGATE_ADMIN_TOKEN: token, KEYGATE_LOG_LEVEL: "info", KEYGATE_SHUTDOWN_TIMEOUT_MS: "60000" }, [], { optimizeWasm: false });
  let session: http2.ClientHttp2Session | undefined;
  let grpc: ReturnType<typeof clientsFor> | undefined;
  let healthSessions: Http2SessionManager | undefined;
  try {
    const port = await keygate.listening();
    const baseUrl = `http://127.0.0.1:${port}`;
    grpc = clientsFor(baseUrl, token);
    const client = grpc.clients.grpc;
    const project = await client.addProject({ name: "draining" });
    const app = await client.addAPIApp({ projectId: project.id, name: "jwt", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
    const body = JSON.stringify({ projectId: project.id, appId: app.appId, type: "KEY_TYPE_JSON" });

    healthSessions = new Http2SessionManager(baseUrl);
    const health = createClient(Health, createGrpcTransport({ baseUrl, sessionManager: healthSessions }));
    const watch = health.watch({ service: "" })[Symbol.asyncIterator]();
    expect((await watch.next()).value?.status).toBe(Status.SERVING);

    // Two calls held open by their unfinished bodies, and a burst of gRPC calls on a live session.
    session = http2.connect(baseUrl);
    const held = [holdOverHttp1(port, token, body), holdOverHttp2(session, token, body)];
    const burst = Promise.allSettled(Array.from({ length: 4 }, () => client.addAppKey({ projectId: project.id, appId: app.appId, type: KeyType.JSON })));
    let burstDone = false;
    void burst.then(() => (burstDone = true));
    let n = await inFlight(baseUrl);
    // The watch is in flight too.
    while (n < 7 && !(burstDone && n >= 3)) n = await inFlight(baseUrl);

    keygate.child.kill("SIGTERM");
    await keygate.waitFor((l) => typeof l.msg === "string" && l.msg.startsWith("draining"), 30_000);
    expect(await connectOutcome(port)).toBe("ECONNREFUSED");
    expect((await watch.next()).value?.status).toBe(Status.NOT_SERVING);
    expect((await watch.next()).done).toBe(true);

    held.forEach((h) => h.finish());
    for (const { status, body: text } of await Promise.all(held.map((h) => h.response))) {
      expect(status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ id: expect.stringMatching(/^\d+$/), keyDetails: expect.any(String) });
    }
    for (const result of await burst) {
      expect(result.status).toBe("fulfilled");
      expect(result.status === "fulfilled" && result.value.keyDetails.length).toBeGreaterThan(1000);
    }

    expect(await keygate.exited).toEqual({ code: 0, signal: null });
    expect(keygate.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
    const served = keygate.lines.filter((l) => l.msg === "request" && l.method === addAppKeyPath.slice(1));
    expect(served.filter((l) => l.code === "ok").length).toBeGreaterThanOrEqual(6);
  } finally {
    grpc?.close();
    healthSessions?.abort();
    session?.destroy();
    if (keygate.child.exitCode === null) keygate.child.kill("SIGKILL");
  }
}, 240_000);

test("KEYGATE_SHUTDOWN_DELAY_MS: /ready answers 503 at once, calls on new connections are served during the delay, then the port closes", async () => {
  const delayMs = 1500;
  const keygate = await startTestKeygate(embedded, { shutdownDelayMs: delayMs });
  const { port, url } = keygate;
  const closed = keygate.close();
  let closedAt: number | undefined;
  void closed.then(() => (closedAt = Date.now()));
  const startedAt = Date.now();
  try {
    expect((await fetch(`${url}/ready`)).status).toBe(503);
    // Each fetch on its own connection (no keep-alive), over HTTP/1.1 and HTTP/2.
    const served: number[] = [];
    while (Date.now() - startedAt < delayMs - 500) {
      const rest = await fetch(`${url}/management/v1/healthz`, { headers: { connection: "close" } });
      expect(rest.status).toBe(200);
      const grpc = clientsFor(url, keygate.adminToken);
      try {
        await grpc.clients.grpc.healthz({});
      } finally {
        grpc.close();
      }
      served.push(Date.now());
    }
    expect(served.length).toBeGreaterThan(0);
    expect(closedAt).toBeUndefined();
    await closed;
    expect(closedAt! - startedAt).toBeGreaterThanOrEqual(delayMs);
    expect(await connectOnceClosed(port)).toBe("ECONNREFUSED");
  } finally {
    await closed;
  }
}, 60_000);
