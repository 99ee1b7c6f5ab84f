import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { clientsFor } from "../ops/ops-support.js";
import type { DatabaseTarget } from "../../src/store/database.js";
import { postgresBackend } from "../support/backends.js";
import { spawnKeygate, type KeygateProcess } from "../support/keygate-process.js";
import { rapidResetAttack } from "../support/rapid-reset-attack.js";

/*
 * Item 7 of issue 12: an HTTP/2 rapid-reset client (CVE-2023-44487) reconnecting for 10 s does not
 * stall other callers: their p99 stays under 200 ms, none of their calls fails, keygate lives.
 *
 * The abuser and the probe share one address (127.0.0.1), as clients behind one NAT or proxy do:
 * the limits must tell them apart by how their connections behave (see http2-peer-limits.ts). The
 * probe's connections are open before the attack, as a steady client's are.
 *
 * The abuser runs in its own process at the lowest CPU priority (nice 19). In production it runs
 * on another machine; here, on two cores, it would otherwise take one of them whatever keygate
 * does, and the test would measure the machine instead of keygate. It still gets every cycle the
 * others leave, and the test checks that it reconnected and sent streams by the thousand.
 */

const ATTACK_SECONDS = 10;
/** Other callers' p99 under attack must stay below this. */
const BOUND_MS = 200;

/** The 99th percentile of `values` (nearest rank). */
function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1]!;
}

describe.each(["embedded", "postgres"] as const)("HTTP/2 rapid reset from the probe's own address [%s]", (database) => {
  const token = randomBytes(32).toString("base64url");
  const postgres = postgresBackend();
  let keygate: KeygateProcess;
  let baseUrl: string;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "keygate-faults-"));
    const onPostgres = async () => {
      const target = (await postgres.create()) as Extract<DatabaseTarget, { kind: "postgres" }>;
      return { DATABASE_URL: target.url, KEYGATE_MASTERKEY: randomBytes(16).toString("hex") };
    };
    const env = database === "postgres" ? await onPostgres() : { KEYGATE_EMBEDDED_FSYNC: "false" };
    keygate = spawnKeygate({ ...env, KEYGATE_DATA_DIR: dataDir, KEYGATE_ADMIN_TOKEN: token, KEYGATE_LOG_LEVEL: "info" });
    port = await keygate.listening();
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await keygate?.stop("SIGKILL");
    await postgres.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("other callers' p99 stays under 200 ms with no failed call while the abuser reconnects for 10 s; keygate lives", async () => {
    const { clients, close } = clientsFor(baseUrl, token);
    const { id } = await clients.grpc.addProject({ name: "probed" });
    const rest = () => fetch(`${baseUrl}/management/v1/projects/${id}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });

    // Two well-behaved callers, each on its own connection opened before the attack: gRPC over
    // HTTP/2 and REST over HTTP/1.1, each reading the project from the database, pausing 10 ms.
    const probes = {
      grpc: async () => void (await clients.grpc.getProjectByID({ id }, { timeoutMs: 10_000 })),
      rest: async () => {
        const response = await rest();
        if (response.status !== 200) throw new Error(`REST answered ${response.status}`);
        await response.arrayBuffer();
      },
    };
    await Promise.all(Object.values(probes).map((call) => call()));

    /** The probes' calls until `during` settles: their latencies (ms) and failures. */
    const probe = async <T>(during: Promise<T>) => {
      let running = true;
      const latencies: number[] = [];
      const failures: string[] = [];
      const loops = Object.entries(probes).map(async ([name, call]) => {
        while (running) {
          const started = performance.now();
          try {
            await call();
            latencies.push(performance.now() - started);
          } catch (error) {
            failures.push(`${name}: ${String(error)}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      });
      const outcome = await during.finally(() => (running = false));
      await Promise.all(loops);
      return { outcome, failures, calls: latencies.length, p99: Math.round(p99(latencies)), max: Math.round(Math.max(...latencies)) };
    };
    // The same probes for 3 s without the attack first: what the machine alone makes of their
    // latency. Where that is half the bound already (a machine shared with other work), one
    // measurement over the bound is taken again once; a failed call never is.
    const measure = async () => {
      const quiet = await probe(new Promise((resolve) => setTimeout(resolve, 3_000)));
      const { outcome: attack, ...attacked } = await probe(rapidResetAttack(port, "127.0.0.1", ATTACK_SECONDS, { lowPriority: true }));
      process.stdout.write(`rapid reset [${database}]: ${JSON.stringify({ quiet: { p99: quiet.p99, max: quiet.max }, attacked, attack })}\n`);
      return { quiet, attacked, stats: attack };
    };
    let { quiet, attacked, stats } = await measure();
    if (attacked.failures.length === 0 && attacked.p99 >= BOUND_MS && quiet.p99 >= BOUND_MS / 2) ({ quiet, attacked, stats } = await measure());

    // The attack was real: it kept reconnecting, and sent streams by the thousand.
    expect(stats.connections).toBeGreaterThan(20);
    expect(stats.streams).toBeGreaterThan(10_000);
    expect(keygate.lines.filter((line) => line.peer === "127.0.0.1").length).toBeGreaterThan(0);

    expect(attacked.failures).toEqual([]);
    expect(attacked.calls).toBeGreaterThan(200);
    expect(attacked.p99).toBeLessThan(BOUND_MS);

    // Alive and serving, over the connections the probes had and over new HTTP/1.1 ones.
    expect(keygate.child.exitCode).toBeNull();
    expect((await clients.connect.getProjectByID({ id })).project?.name).toBe("probed");
    expect((await clients.grpc.getProjectByID({ id })).project?.name).toBe("probed");
    expect(keygate.lines.filter((line) => line.msg === "internal error" || line.msg === "call failed")).toEqual([]);
    close();
  });
});
