import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import type { DatabaseTarget } from "../../src/store/database.js";
import { clientsFor } from "../ops/ops-support.js";
import { postgresBackend } from "../support/backends.js";
import { spawnKeygate, type KeygateProcess } from "../support/keygate-process.js";

/**
 * A TCP proxy to Postgres that can turn into a black hole: it drops the connections it carried and
 * accepts new ones, reading what they send and never answering (a hung server, or a network that
 * loses the answers).
 */
function blackHoleProxy(upstream: URL) {
  const carried = new Set<net.Socket>();
  let silent = false;
  const server = net.createServer((client) => {
    carried.add(client);
    client.on("close", () => carried.delete(client));
    client.on("error", () => {});
    if (silent) return void client.resume();
    const server = net.connect(Number(upstream.port), upstream.hostname);
    server.on("error", () => client.destroy());
    client.on("close", () => server.destroy());
    server.on("close", () => client.destroy());
    client.pipe(server).pipe(client);
  });
  return {
    async listen(): Promise<number> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return (server.address() as net.AddressInfo).port;
    },
    silence() {
      silent = true;
      carried.forEach((socket) => socket.destroy());
    },
    answer() {
      silent = false;
      carried.forEach((socket) => socket.destroy());
    },
    close: () => {
      carried.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("a Postgres that accepts connections and never answers", () => {
  const token = randomBytes(32).toString("base64url");
  const postgres = postgresBackend();
  let proxy: ReturnType<typeof blackHoleProxy>;
  let keygate: KeygateProcess;
  let baseUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    const target = (await postgres.create()) as Extract<DatabaseTarget, { kind: "postgres" }>;
    const url = new URL(target.url);
    proxy = blackHoleProxy(url);
    const proxied = new URL(url);
    proxied.port = String(await proxy.listen());
    dataDir = await mkdtemp(join(tmpdir(), "keygate-faults-"));
    keygate = spawnKeygate({
      DATABASE_URL: proxied.toString(),
      KEYGATE_DB_CONNECT_TIMEOUT: "1000",
      KEYGATE_DATA_DIR: dataDir,
      KEYGATE_ADMIN_TOKEN: token,
      KEYGATE_MASTERKEY: randomBytes(16).toString("hex"),
      KEYGATE_LOG_LEVEL: "info",
    });
    baseUrl = `http://127.0.0.1:${await keygate.listening()}`;
  });
  afterAll(async () => {
    await keygate?.stop("SIGKILL");
    await proxy?.close();
    await postgres.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("calls fail with Unavailable (gRPC 14, REST 503) after KEYGATE_DB_CONNECT_TIMEOUT instead of hanging, /ready is 503; answers again once it does", async () => {
    const { clients, close } = clientsFor(baseUrl, token);
    try {
      const { id } = await clients.grpc.addProject({ name: "before the black hole" });
      proxy.silence();

      const started = Date.now();
      const grpc = await clients.grpc.addProject({ name: "into the black hole" }, { timeoutMs: 30_000 }).then(
        () => undefined,
        (error: unknown) => ConnectError.from(error),
      );
      expect([grpc?.code, grpc?.rawMessage]).toEqual([Code.Unavailable, "the database is unavailable; try again"]);
      // The connect timeout (1 s here) and not the client's deadline (30 s) ended it.
      expect(Date.now() - started).toBeLessThan(10_000);
      const rest = await fetch(`${baseUrl}/management/v1/projects/${id}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
      expect([rest.status, ((await rest.json()) as { code: number }).code]).toEqual([503, Code.Unavailable]);
      const ready = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(30_000) });
      expect([ready.status, await ready.json()]).toEqual([503, { status: "not ready", reason: "database unreachable" }]);

      proxy.answer();
      expect((await clients.connect.getProjectByID({ id })).project?.name).toBe("before the black hole");
      expect(keygate.child.exitCode).toBeNull();
      expect(keygate.lines.filter((line) => line.msg === "internal error")).toEqual([]);
    } finally {
      close();
    }
  });
});
