import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Kysely, PostgresDialect, sql, type CompiledQuery } from "kysely";
import pg from "pg";
import { openStore, type Store } from "../../src/store/open-store.js";
import { listApps } from "../../src/store/queries/app-queries.js";
import { TextMatch, type ListOptions, type TextQuery } from "../../src/store/queries/list-options.js";
import type { Database } from "../../src/store/schema.js";
import { postgresBackend } from "../support/backends.js";

const PROJECTS = 200;
const APPS_PER_PROJECT = 500;
const BIG_APPS = 100_000;

type PlanNode = Record<string, unknown>;

/** Every node of a JSON plan, depth first. */
function planNodes(node: PlanNode): PlanNode[] {
  const children = (node.Plans as PlanNode[] | undefined) ?? [];
  return [node, ...children.flatMap(planNodes)];
}

const on = (nodes: PlanNode[], relation: string) => nodes.filter((n) => n["Relation Name"] === relation);

/** Every read of apps goes through the project's index: never a scan of all apps. */
function expectAppsFromProjectIndex(nodes: PlanNode[]): void {
  expect(on(nodes, "apps").length).toBeGreaterThan(0);
  for (const node of on(nodes, "apps")) expect(node["Index Name"]).toBe("apps_project_idx");
}

/** Rows a plan node produced over all its loops. */
const rowsRead = (node: PlanNode) => (node["Actual Rows"] as number) * ((node["Actual Loops"] as number | undefined) ?? 1);

/**
 * A page walks the project's index in the page's order and stops after it: no sort, no count, and
 * only the page's own configs, looked up by key.
 */
function expectPage(nodes: PlanNode[], options: ListOptions): void {
  expectAppsFromProjectIndex(nodes);
  for (const node of on(nodes, "apps")) {
    expect(node["Scan Direction"]).toBe(options.asc ? "Forward" : "Backward");
    expect(rowsRead(node)).toBeLessThanOrEqual(options.offset + options.limit);
  }
  expect(nodes.some((n) => n["Node Type"] === "Sort" || n["Node Type"] === "Aggregate")).toBe(false);
  expect(on(nodes, "app_api_configs").length).toBeGreaterThan(0);
  for (const node of on(nodes, "app_api_configs")) {
    expect(node["Node Type"]).not.toBe("Seq Scan");
    expect(rowsRead(node)).toBeLessThanOrEqual(options.limit);
  }
}


/**
 * ListApps must be served by the (instance, project, id) index, not by scanning every app of the
 * instance, and without a name query it must not count at all (the project row keeps the total).
 * The real queries are captured as keygate runs them and explained (and run) by Postgres on
 * 100k apps spread over 200 projects plus one project of 100k apps, created halfway through the
 * others (so that half of the other projects' apps are newer than all of its own).
 */
describe(`list queries use indexes on ${PROJECTS * APPS_PER_PROJECT + BIG_APPS} apps [postgres]`, () => {
  const backend = postgresBackend();
  let store: Store;
  let traced: Kysely<Database>;
  let pool: pg.Pool;
  const captured: CompiledQuery[] = [];

  beforeAll(async () => {
    const target = await backend.create();
    store = await openStore(target);
    if (target.kind !== "postgres") throw new Error("needs Postgres");
    pool = new pg.Pool({ connectionString: target.url, max: 2 });
    traced = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (event) => void captured.push(event.query) });
    const spread = PROJECTS * APPS_PER_PROJECT;
    await sql`
      INSERT INTO apps (instance_id, id, project_id, owner, name, state, creation_date, change_date, sequence)
      SELECT 'i', lpad(n::text, 18, '0'), CASE WHEN n > ${spread / 2} AND n <= ${spread / 2 + BIG_APPS} THEN 'big' ELSE 'p' || (n % ${PROJECTS}) END, 'org', 'app ' || n, 1, now(), now(), n
      FROM generate_series(1, ${spread + BIG_APPS}) AS n`.execute(store.db);
    await sql`
      INSERT INTO app_api_configs (instance_id, app_id, client_id, auth_method)
      SELECT instance_id, id, 'c' || id, 0 FROM apps`.execute(store.db);
    // The project rows with the totals the projection keeps.
    await sql`
      INSERT INTO projects (instance_id, id, owner, name, state, project_role_assertion, project_role_check, has_project_check, private_labeling_setting,
                            creation_date, change_date, sequence, app_count, apps_sequence)
      SELECT instance_id, project_id, 'org', project_id, 1, false, false, false, 0, now(), now(), 1, count(*), max(sequence) FROM apps GROUP BY instance_id, project_id`.execute(store.db);
    await sql`ANALYZE apps, app_api_configs, projects`.execute(store.db);
  }, 180_000);
  afterAll(async () => {
    await traced?.destroy();
    await store?.close();
    await backend.dispose();
  });

  /** Runs `run`, then explains and runs again every query it sent. */
  async function plansOf(run: () => Promise<unknown>): Promise<PlanNode[][]> {
    captured.length = 0;
    await run();
    const plans = [];
    for (const query of captured) {
      const { rows } = await pool.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`, [...query.parameters]);
      plans.push(planNodes(rows[0]!["QUERY PLAN"][0].Plan));
    }
    return plans;
  }

  const list = (projectId: string, names: TextQuery[], options: ListOptions) => listApps(traced, "i", "org", projectId, names, options);

  describe.each([
    ["one of 200 projects", "p7", APPS_PER_PROJECT],
    ["the project of 100k apps", "big", BIG_APPS],
  ])("ListApps without a name query on %s", (_title, projectId, apps) => {
    test.each([
      { offset: 0, limit: 100, asc: false },
      { offset: 300, limit: 50, asc: true },
    ])("reads the total from the project row and the page from the project's index (%o)", async (options) => {
      const plans = await plansOf(async () => {
        const page = await list(projectId, [], options);
        expect(page.totalResult).toBe(apps);
        expect(page.result).toHaveLength(options.limit);
      });
      expect(plans).toHaveLength(2); // the project row and the page
      const [project, page] = plans as [PlanNode[], PlanNode[]];
      expect(project.filter((n) => n["Relation Name"] !== undefined).map((n) => n["Relation Name"])).toEqual(["projects"]);
      expectPage(page, options);
    });
  });

  test("ListApps with a name query counts its matches from the project's index, then pages the same way", async () => {
    const options = { offset: 0, limit: 100, asc: false };
    const plans = await plansOf(async () => {
      const page = await list("p7", [{ value: "app 1", match: TextMatch.StartsWith }], options);
      expect(page.result.length).toBeGreaterThan(0);
    });
    expect(plans).toHaveLength(3); // the project row, the count and the page
    const [, count, page] = plans as [PlanNode[], PlanNode[], PlanNode[]];
    expectAppsFromProjectIndex(count);
    expect(on(count, "app_api_configs")).toEqual([]);
    expectPage(page, options);
  });
});
