import { afterAll, beforeAll, expect, test } from "vitest";
import { sql } from "kysely";
import { ApiAuthMethod } from "../../src/domain/app.js";
import { DomainError } from "../../src/domain/errors.js";
import { addMachineUser } from "../../src/domain/user.js";
import { addApiApp, renameApp } from "../../src/store/commands/app-commands.js";
import { addProject } from "../../src/store/commands/project-commands.js";
import type { Actor } from "../../src/store/event-store.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { describeEachBackend, embeddedBackend } from "../support/backends.js";
import { commandDepsOf } from "../support/command-deps.js";

const settings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };
const actor: Actor = { instanceId: "inst-1", orgId: "org-1", userId: "user-1" };

describeEachBackend("event store", (backend) => {
  let first: Store;
  let second: Store;

  beforeAll(async () => {
    const target = await backend.create();
    first = await openStore(target);
    // A second store on the same database stands for a second keygate process.
    second = backend.name === "postgres" ? await openStore(target) : first;
  });
  afterAll(async () => {
    if (second !== first) await second.close();
    await first.close();
    await backend.dispose();
  });

  test("50 concurrent AddAPIApp on one project: 50 apps, gap-free sequences, unique ids", async () => {
    const { id: projectId } = await addProject(commandDepsOf(first), actor, { name: "concurrent", settings });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        addApiApp(commandDepsOf(i % 2 === 0 ? first : second), actor, projectId, { name: `app-${i}`, authMethod: ApiAuthMethod.Basic }),
      ),
    );
    const ids = results.flatMap((r) => [r.appId, r.clientId]);
    expect(new Set(ids).size).toBe(100);

    const events = await first.db.selectFrom("events2").select(["sequence", "event_type", "payload"]).where("aggregate_id", "=", projectId).orderBy("sequence").execute();
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    // Each app's two events are adjacent: no command's events interleave with another's.
    for (let i = 1; i < events.length; i += 2) {
      expect(events[i]!.event_type).toBe("project.application.added");
      expect(events[i + 1]!.event_type).toBe("project.application.config.api.added");
      expect((events[i + 1]!.payload as { appId: string }).appId).toBe((events[i]!.payload as { appId: string }).appId);
    }
    expect(results.map((r) => r.details.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 3 + 2 * i));
    const apps = await first.db.selectFrom("apps").select("id").where("project_id", "=", projectId).execute();
    expect(apps).toHaveLength(50);
    const head = await first.db.selectFrom("aggregates").select("sequence").where("aggregate_id", "=", projectId).executeTakeFirstOrThrow();
    expect(head.sequence).toBe(101);
  });

  test("a command that fails on a unique constraint leaves nothing behind", async () => {
    const deps = commandDepsOf(first);
    const { id: projectId } = await addProject(deps, actor, { name: "atomic", settings });
    const app = await addApiApp(deps, actor, projectId, { name: "Taken", authMethod: ApiAuthMethod.Basic });
    const other = await addApiApp(deps, actor, projectId, { name: "other", authMethod: ApiAuthMethod.Basic });
    const countEvents = async () => (await first.db.selectFrom("events2").select("sequence").where("aggregate_id", "=", projectId).execute()).length;
    const before = await countEvents();

    await expect(addApiApp(deps, actor, projectId, { name: "taken", authMethod: ApiAuthMethod.Basic })).rejects.toMatchObject({ kind: "AlreadyExists" });
    await expect(renameApp(deps, actor, projectId, other.appId, "TAKEN")).rejects.toBeInstanceOf(DomainError);

    expect(await countEvents()).toBe(before);
    const names = await first.db.selectFrom("apps").select("name").where("project_id", "=", projectId).orderBy("name").execute();
    expect(names.map((n) => n.name)).toEqual(["Taken", "other"]);
    const head = await first.db.selectFrom("aggregates").select("sequence").where("aggregate_id", "=", projectId).executeTakeFirstOrThrow();
    expect(head.sequence).toBe(before);
    expect(app.details.sequence).toBe(3);
  });

  test("a command that fails, in decide or in a write, ends its transaction: the head's lock is free and no connection is left in a transaction", async () => {
    const deps = commandDepsOf(first);
    const { id: projectId } = await addProject(deps, actor, { name: "ended", settings });
    await addApiApp(deps, actor, projectId, { name: "held", authMethod: ApiAuthMethod.Basic });
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        // Fails in a write (the name's unique constraint), then in decide (no such app).
        await expect(addApiApp(deps, actor, projectId, { name: "held", authMethod: ApiAuthMethod.Basic })).rejects.toMatchObject({ kind: "AlreadyExists" });
        await expect(renameApp(deps, actor, projectId, `missing-${i}`, "x")).rejects.toMatchObject({ kind: "NotFound" });
      }),
    );
    // A lock left behind would make this wait forever on the other process's connections.
    const after = await addApiApp(commandDepsOf(second), actor, projectId, { name: "after", authMethod: ApiAuthMethod.Basic });
    expect(after.details.sequence).toBe(5);
    const open = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`.execute(first.db);
    expect(open.rows[0]!.n).toBe(0);
  });

  test("events carry ZITADEL's shape: consecutive sequences, one created_at per push, creator and owner", async () => {
    const deps = commandDepsOf(first);
    const { id: projectId } = await addProject(deps, actor, { name: "shape", settings });
    const added = await addApiApp(deps, actor, projectId, { name: "shaped", authMethod: ApiAuthMethod.PrivateKeyJwt });
    const rows = await first.db.selectFrom("events2").selectAll().where("aggregate_id", "=", projectId).orderBy("sequence").execute();
    expect(rows.map((r) => [r.event_type, r.sequence, r.in_tx_order])).toEqual([
      ["project.added", 1, 1],
      ["project.application.added", 2, 1],
      ["project.application.config.api.added", 3, 2],
    ]);
    expect(rows[1]!.created_at.getTime()).toBe(rows[2]!.created_at.getTime());
    expect(rows[1]!.position).toBe(rows[2]!.position);
    expect(rows.every((r) => r.creator === actor.userId && r.owner === actor.orgId && r.aggregate_type === "project" && r.revision === 1)).toBe(true);
    expect(rows[2]!.payload).toEqual({ appId: added.appId, clientId: added.clientId, authMethodType: 1 });
  });

  test("event positions come from the database's clock to the microsecond, increase with each command, and number events within a transaction", async () => {
    // PGlite's clock ticks in milliseconds: commands within one tick are one microsecond apart.
    const { id: projectId } = await addProject(commandDepsOf(first), actor, { name: "positions", settings });
    for (let i = 0; i < 10; i++) await addApiApp(commandDepsOf(first), actor, projectId, { name: `p-${i}`, authMethod: ApiAuthMethod.Basic });
    const rows = await first.db.selectFrom("events2").select(["position", "in_tx_order", "sequence", "created_at"]).where("aggregate_id", "=", projectId).orderBy("sequence").execute();
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.position).toMatch(/^\d{10}\.\d{6}$/);
      // The event's date is the same clock reading (PGlite's may be moved on by microseconds, see below).
      expect(Math.abs(Number(row.position) * 1000 - row.created_at.getTime())).toBeLessThan(1);
    }
    // One position per command, increasing command by command.
    const commands = [...new Set(rows.map((row) => row.position))];
    expect(commands).toHaveLength(11);
    expect(commands).toEqual([...commands].sort());
    if (backend.name === "postgres") {
      // Microseconds, not milliseconds padded with zeros (as positions made from a JS Date were).
      expect(rows.some((row) => !row.position.endsWith("000"))).toBe(true);
    }
    // AddAPIApp appends two events in one transaction: one position, in_tx_order 1 and 2.
    const lastCommand = rows.filter((row) => row.position === commands[commands.length - 1]);
    expect(lastCommand.map((row) => row.in_tx_order)).toEqual([1, 2]);
  });
});

test("on the embedded database, a command whose clock reads no later than the last position is positioned one microsecond after it", async () => {
  // PGlite's clock ticks in milliseconds, so commands within one tick read the same time; a last
  // position moved ahead stands for such a tick (commands here take longer than one).
  const backend = embeddedBackend();
  const store = await openStore(await backend.create());
  try {
    const push = (id: string) => store.events.transaction((tx) => store.events.push(tx, actor, addMachineUser(id, actor.orgId, { userName: id, name: id })));
    const [first] = await push("tick-1");
    const micros = (position: string) => BigInt(position.replace(".", ""));
    const ahead = (micros(first!.position) + 5_000_000n).toString().replace(/(\d{6})$/, ".$1");
    await store.db.updateTable("events2").set({ position: ahead }).where("aggregate_id", "=", "tick-1").execute();
    const [second] = await push("tick-2");
    expect(micros(second!.position)).toBe(micros(ahead) + 1n);
    expect(second!.createdAt.getTime()).toBeLessThan(Number(ahead) * 1000);
  } finally {
    await store.close();
    await backend.dispose();
  }
});
