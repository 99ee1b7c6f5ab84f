import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { ApiAuthMethod } from "../../src/domain/app.js";
import { addApiApp } from "../../src/store/commands/app-commands.js";
import type { CommandDeps } from "../../src/store/commands/command-deps.js";
import { addProject } from "../../src/store/commands/project-commands.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { postgresBackend } from "../support/backends.js";
import { commandDepsOf } from "../support/command-deps.js";

/*
 * A command's first round trip sends `begin`, the lock of the aggregate's head, the clock and the
 * decision's reads without waiting in between (event-store.ts, pipeline.ts). That is only correct
 * if they reach Postgres in this order: the reads must queue behind the lock to see every command
 * before this one. The order comes from Kysely handing each statement to pg's connection as it is
 * given, and pg writing them as queued: internals of pinned versions (src/server/connect-compat's
 * README says why they are pinned). This test watches the bytes on the wire, so an upgrade that
 * reorders them fails here.
 */

/** Statements as they crossed one client connection, in order: simple queries and executions of parsed ones. */
type Wire = string[][];

/** A TCP proxy in front of Postgres that reads the frontend messages each connection sends. */
function statementRecordingProxy(upstream: { host: string; port: number }): Promise<{ server: Server; port: number; wire: Wire }> {
  const wire: Wire = [];
  const server = createServer((client: Socket) => {
    const statements: string[] = [];
    wire.push(statements);
    const named = new Map<string, string>();
    let lastUnnamed = "";
    let pending = Buffer.alloc(0);
    let startedUp = false;
    const server = createConnection(upstream);
    server.on("error", () => client.destroy());
    client.on("error", () => server.destroy());
    server.pipe(client);
    client.on("data", (chunk: Buffer) => {
      server.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!startedUp) {
          // The startup message has no type byte: length, then the rest.
          if (pending.length < 4 || pending.length < pending.readUInt32BE(0)) return;
          pending = pending.subarray(pending.readUInt32BE(0));
          startedUp = true;
          continue;
        }
        if (pending.length < 5 || pending.length < 1 + pending.readUInt32BE(1)) return;
        const type = String.fromCharCode(pending[0]!);
        const body = pending.subarray(5, 1 + pending.readUInt32BE(1));
        pending = pending.subarray(1 + pending.readUInt32BE(1));
        const strings = body.toString("utf8").split("\0");
        if (type === "Q") statements.push(strings[0]!);
        if (type === "P") {
          if (strings[0] === "") lastUnnamed = strings[1]!;
          else named.set(strings[0]!, strings[1]!);
        }
        // Bind: portal, then the statement it runs.
        if (type === "B") statements.push(strings[1] === "" ? lastUnnamed : named.get(strings[1]!) ?? `<unknown ${strings[1]}>`);
      }
    });
    client.on("close", () => server.destroy());
    server.on("close", () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port, wire })));
}

const actor = { instanceId: "inst-o", orgId: "org-o", userId: "user-o" };
const settings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };

describe("the order a command's statements reach Postgres [postgres]", () => {
  const backend = postgresBackend();
  let proxy: Awaited<ReturnType<typeof statementRecordingProxy>>;
  let store: Store;
  let deps: CommandDeps;

  beforeAll(async () => {
    const target = await backend.create();
    if (target.kind !== "postgres") throw new Error("needs Postgres");
    const url = new URL(target.url);
    proxy = await statementRecordingProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    store = await openStore({ ...target, url: url.toString() });
    deps = commandDepsOf(store);
  });
  afterAll(async () => {
    await store.close();
    proxy.server.close();
    await backend.dispose();
  });

  /** The statements of `run`, on the one connection that carried any. */
  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    const before = proxy.wire.map((statements) => statements.length);
    await run();
    const carried = proxy.wire.map((statements, i) => statements.slice(before[i] ?? 0)).filter((statements) => statements.length > 0);
    expect(carried).toHaveLength(1);
    return carried[0]!;
  }

  test("begin, the head's lock, the clock, then the decision's reads; the writes after them; commit last", async () => {
    const projectId = (await addProject(deps, actor, { name: "ordered", settings })).id;
    // Twice: the second time every fixed-shape statement goes out prepared, by name only.
    for (const name of ["first", "second"]) {
      const statements = await statementsOf(() => addApiApp(deps, actor, projectId, { name, authMethod: ApiAuthMethod.Basic }));
      expect(statements.slice(0, 4).map(kind)).toEqual(["begin", "lock", "clock", "read projects"]);
      expect(statements.slice(4, -1).map(kind).every((k) => k.startsWith("write"))).toBe(true);
      expect(statements.slice(4, -1).map(kind)).toContain("write events2");
      expect(statements.at(-1)).toBe("commit");
    }
  });

  test("a command that fails after the lock rolls back on the same connection", async () => {
    const statements = await statementsOf(() =>
      expect(addApiApp(deps, actor, "no-such-project", { name: "x", authMethod: ApiAuthMethod.Basic })).rejects.toThrow(),
    );
    expect(statements.map(kind)).toEqual(["begin", "lock", "clock", "read projects", "rollback"]);
  });
});

/** What a statement does, by its text. */
function kind(sql: string): string {
  if (sql === "begin" || sql === "commit" || sql === "rollback") return sql;
  if (/^select .* from "aggregates" .* for update$/.test(sql)) return "lock";
  if (sql.includes("statement_timestamp()")) return "clock";
  const read = /^select .*? from "(\w+)"/.exec(sql);
  if (read) return `read ${read[1]}`;
  const write = /^(?:insert into|update|delete from) "(\w+)"/.exec(sql);
  return write ? `write ${write[1]}` : sql;
}
