import { randomBytes } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { clientsFor, type ProtocolName } from "../../ops/ops-support.js";

/** What writers saw: the projects keygate acknowledged, and every failure by protocol and code. */
export interface WriteTally {
  acknowledged: string[];
  /** "grpc unavailable", "rest 503", "connect transport" (no answer at all), ... with their counts. */
  failures: Record<string, number>;
}

export interface WriteLoad {
  /** The tally so far (it keeps growing until stop). */
  readonly tally: WriteTally;
  /** Waits until `count` more writes were acknowledged than when called, or throws after `timeoutMs`. */
  acknowledgedMore(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<WriteTally>;
}

type Writer = ProtocolName | "rest";
const WRITERS: readonly Writer[] = ["grpc", "connect", "rest", "grpc-web"];

/**
 * `concurrency` loops that each add projects as fast as keygate answers, rotating through gRPC,
 * Connect, REST and gRPC-Web, until stopped. A failed call is tallied and the loop goes on after
 * a short pause, so a fault never stops the load.
 */
export function startWriteLoad(baseUrl: string, token: string, concurrency = 6): WriteLoad {
  const { clients, close } = clientsFor(baseUrl, token);
  const tally: WriteTally = { acknowledged: [], failures: {} };
  let stopped = false;
  let n = 0;
  // Project names are unique in an org: each load names its own.
  const prefix = `load-${randomBytes(4).toString("hex")}`;

  const fail = (key: string) => (tally.failures[key] = (tally.failures[key] ?? 0) + 1);
  const addOnce = async (writer: Writer) => {
    const name = `${prefix}-${n++}`;
    if (writer === "rest") {
      const response = await fetch(`${baseUrl}/management/v1/projects`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ name }),
      }).catch(() => undefined);
      if (response === undefined) return fail("rest transport");
      const body = (await response.json().catch(() => ({}))) as { id?: string };
      if (response.status === 200 && body.id) return void tally.acknowledged.push(body.id);
      return fail(`rest ${response.status}`);
    }
    try {
      tally.acknowledged.push((await clients[writer].addProject({ name })).id);
    } catch (error) {
      const code = ConnectError.from(error).code;
      // No answer at all (the process is gone, the socket reset) reads as Unavailable or Unknown on the client.
      fail(`${writer} ${Code[code]}`);
    }
  };
  const loops = Array.from({ length: concurrency }, async (_, i) => {
    for (let round = i; !stopped; round++) {
      const before = Object.values(tally.failures).reduce((a, b) => a + b, 0);
      await addOnce(WRITERS[round % WRITERS.length]!);
      if (Object.values(tally.failures).reduce((a, b) => a + b, 0) > before) await new Promise((r) => setTimeout(r, 20));
    }
  });

  return {
    tally,
    async acknowledgedMore(count, timeoutMs = 30_000) {
      const target = tally.acknowledged.length + count;
      const deadline = Date.now() + timeoutMs;
      while (tally.acknowledged.length < target) {
        if (Date.now() > deadline) throw new Error(`only ${tally.acknowledged.length} of ${target} writes acknowledged; failures: ${JSON.stringify(tally.failures)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
      close();
      return tally;
    },
  };
}

/** The acknowledged projects keygate at `baseUrl` cannot find (should be none). */
export async function missingProjects(baseUrl: string, token: string, ids: readonly string[]): Promise<string[]> {
  const { clients, close } = clientsFor(baseUrl, token);
  const missing: string[] = [];
  try {
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map((id) =>
          clients.grpc.getProjectByID({ id }).catch((error: unknown) => {
            if (ConnectError.from(error).code !== Code.NotFound) throw error;
            missing.push(id);
          }),
        ),
      );
    }
  } finally {
    close();
  }
  return missing;
}
