import { afterAll, beforeAll, expect, test } from "vitest";
import type { Kysely } from "kysely";
import { ApiAuthMethod } from "../../src/domain/app.js";
import * as apps from "../../src/store/commands/app-commands.js";
import { addAppKey } from "../../src/store/commands/app-key-commands.js";
import type { CommandDeps } from "../../src/store/commands/command-deps.js";
import { addOrg } from "../../src/store/commands/org-commands.js";
import * as projects from "../../src/store/commands/project-commands.js";
import type { Actor } from "../../src/store/event-store.js";
import { createMigrator, migrateToLatest } from "../../src/store/migrator.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { listApps } from "../../src/store/queries/app-queries.js";
import { TextMatch, type TextQuery } from "../../src/store/queries/list-options.js";
import { getProject } from "../../src/store/queries/project-queries.js";
import { describeEachBackend } from "../support/backends.js";
import { expectRebuildReproduces, snapshot } from "../support/projection-snapshot.js";
import { commandDepsOf } from "../support/command-deps.js";

const settings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };

/**
 * An unfiltered ListApps takes its total and processedSequence from the project row, which the
 * projects projection keeps; these must agree with the apps that exist, on every path that changes them.
 */
describeEachBackend("ListApps totals kept on the project row", (backend) => {
  let store: Store;
  let deps: CommandDeps;
  let actor: Actor;

  beforeAll(async () => {
    store = await openStore(await backend.create());
    deps = commandDepsOf(store);
    actor = await orgActor("Totals Org");
  });
  afterAll(async () => {
    await store.close();
    await backend.dispose();
  });

  async function orgActor(name: string): Promise<Actor> {
    const creator: Actor = { instanceId: "i", orgId: "seed", userId: "u" };
    const { id } = await addOrg(deps, creator, name, "localhost");
    return { ...creator, orgId: id };
  }
  const newProject = async (as: Actor, name: string) => (await projects.addProject(deps, as, { name, settings })).id;
  const addApp = (as: Actor, projectId: string, name: string, authMethod = ApiAuthMethod.Basic) => apps.addApiApp(deps, as, projectId, { name, authMethod });
  const list = (as: Actor, projectId: string, names: TextQuery[] = [], asc = false) => listApps(store.db, as.instanceId, as.orgId, projectId, names, { offset: 0, limit: 0, asc });
  /** How many app rows the project has, counted. */
  async function counted(projectId: string) {
    const row = await store.db
      .selectFrom("apps")
      .select((eb) => [eb.fn.countAll<number>().as("total")])
      .where("instance_id", "=", "i")
      .where("project_id", "=", projectId)
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  test("adds, changes and removals move the total; processedSequence is the latest app event, removals included", async () => {
    const projectId = await newProject(actor, "moving");
    const projectSequence = (await getProject(store.db, "i", actor.orgId, projectId)).details.sequence;
    const empty = await list(actor, projectId);
    expect([empty.totalResult, empty.processedSequence, empty.result]).toEqual([0, 0, []]);

    const [a, b, c] = [await addApp(actor, projectId, "a"), await addApp(actor, projectId, "b"), await addApp(actor, projectId, "c")];
    let page = await list(actor, projectId);
    expect(page.totalResult).toBe(3);
    expect(page.processedSequence).toBe(c.details.sequence);
    expect(page.result.map((app) => app.id)).toEqual([c.appId, b.appId, a.appId]);

    const renamed = await apps.renameApp(deps, actor, projectId, a.appId, "a2");
    expect((await list(actor, projectId)).processedSequence).toBe(renamed.sequence);
    const rotated = await apps.regenerateApiSecret(deps, actor, projectId, a.appId);
    expect((await list(actor, projectId)).processedSequence).toBe(rotated.details.sequence);

    const removed = await apps.removeApp(deps, actor, projectId, c.appId);
    page = await list(actor, projectId, [], true);
    expect(page.totalResult).toBe(2);
    expect(page.processedSequence).toBe(removed.sequence);
    expect(page.result.map((app) => app.id)).toEqual([a.appId, b.appId]);

    await apps.removeApp(deps, actor, projectId, a.appId);
    const last = await apps.removeApp(deps, actor, projectId, b.appId);
    page = await list(actor, projectId);
    expect([page.totalResult, page.processedSequence, page.result]).toEqual([0, last.sequence, []]);
    expect(await counted(projectId)).toBe(0);

    // The project's own details are those of its own events.
    expect((await getProject(store.db, "i", actor.orgId, projectId)).details.sequence).toBe(projectSequence);
  });

  test("key events are not app changes: processedSequence stays put", async () => {
    const projectId = await newProject(actor, "keys");
    const app = await addApp(actor, projectId, "jwt", ApiAuthMethod.PrivateKeyJwt);
    await addAppKey(deps, actor, projectId, app.appId, undefined);
    const page = await list(actor, projectId);
    expect([page.totalResult, page.processedSequence]).toEqual([1, app.details.sequence]);
  });

  test("a name query counts its matches exactly, with the project's processedSequence", async () => {
    const projectId = await newProject(actor, "filtered");
    for (const name of ["alpha", "alps", "beta"]) await addApp(actor, projectId, name);
    const latest = await addApp(actor, projectId, "gamma");
    const page = await list(actor, projectId, [{ value: "al", match: TextMatch.StartsWith }]);
    expect(page.totalResult).toBe(2);
    expect(page.result.map((app) => app.name).sort()).toEqual(["alpha", "alps"]);
    expect(page.processedSequence).toBe(latest.details.sequence);
    const none = await list(actor, projectId, [{ value: "zeta", match: TextMatch.Equals }]);
    expect([none.totalResult, none.result]).toEqual([0, []]);
  });

  test("removing a project empties its list and leaves other projects' totals alone", async () => {
    const gone = await newProject(actor, "gone");
    const kept = await newProject(actor, "kept");
    await addApp(actor, gone, "g1");
    await addApp(actor, gone, "g2");
    const k = await addApp(actor, kept, "k1");
    await projects.removeProject(deps, actor, gone);
    const page = await list(actor, gone);
    expect([page.totalResult, page.processedSequence, page.result]).toEqual([0, 0, []]);
    const other = await list(actor, kept);
    expect([other.totalResult, other.processedSequence]).toEqual([1, k.details.sequence]);
  });

  test("another org sees neither the apps nor the total of a project; its own projects count only their own apps", async () => {
    const mine = await newProject(actor, "mine");
    await addApp(actor, mine, "m1");
    await addApp(actor, mine, "m2");
    const stranger = await orgActor("Other Org");
    const theirs = await newProject(stranger, "theirs");
    const t = await addApp(stranger, theirs, "t1");

    const foreign = await list(stranger, mine);
    expect([foreign.totalResult, foreign.processedSequence, foreign.result]).toEqual([0, 0, []]);
    const foreignFiltered = await list(stranger, mine, [{ value: "m", match: TextMatch.StartsWith }]);
    expect([foreignFiltered.totalResult, foreignFiltered.result]).toEqual([0, []]);
    const own = await list(stranger, theirs);
    expect([own.totalResult, own.processedSequence, own.result.map((app) => app.id)]).toEqual([1, t.details.sequence, [t.appId]]);
    expect((await list(actor, mine)).totalResult).toBe(2);
  });

  test("after whatever ran before (plus a project of its own with an app), the kept totals equal exact counts, and a rebuild and the migration's backfill reproduce them", async () => {
    await addApp(actor, await newProject(actor, "rebuild-seed"), "seeded");
    const rows = await store.db.selectFrom("projects").select(["id", "app_count"]).execute();
    expect(rows.some((row) => row.app_count > 0)).toBe(true);
    for (const row of rows) expect(row.app_count).toBe(await counted(row.id));

    const { live } = await expectRebuildReproduces(store);

    const db = store.db as unknown as Kysely<unknown>;
    const down = await createMigrator(db).migrateTo("0002-projections");
    expect(down.results?.map((r) => [r.migrationName, r.status])).toContainEqual(["0003-project-app-totals", "Success"]);
    expect(down.results?.every((r) => r.status === "Success")).toBe(true);
    await migrateToLatest(db);
    expect(await snapshot(store)).toEqual(live);
  });
});
