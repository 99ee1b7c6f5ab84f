import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { Kysely, PostgresDialect, sql, type CompiledQuery } from "kysely";
import pg from "pg";
import { openStore, type Store } from "../../src/store/open-store.js";
import { listApps } from "../../src/store/queries/app-queries.js";
import { TextMatch } from "../../src/store/queries/list-options.js";
import type { Database } from "../../src/store/schema.js";
import { postgresAvailable, postgresBackend } from "../support/backends.js";

const PROJECTS = 200;
const APPS_PER_PROJECT = 500;

/** Every node of a JSON plan, depth first. */
function planNodes(node: Record<string, unknown>): Record<string, unknown>[] {
  const children = (node.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [node, ...children.flatMap(planNodes)];
}

const describeOnPostgres = postgresAvailable ? describe : describe.skip;

/**
 * ListApps must be served by the (instance, project, id) index, not by scanning every app of the
 * instance. The real queries are captured as keygate runs them and explained by Postgres on
 * 100k apps spread over 200 projects.
 */
describeOnPostgres(`list queries use indexes on ${PROJECTS * APPS_PER_PROJECT} apps [postgres]`, () => {
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
    await sql`
      INSERT INTO apps (instance_id, id, project_id, owner, name, state, creation_date, change_date, sequence)
      SELECT 'i', lpad(n::text, 18, '0'), 'p' || (n % ${PROJECTS}), 'org', 'app ' || n, 1, now(), now(), n FROM generate_series(1, ${PROJECTS * APPS_PER_PROJECT}) AS n`.execute(store.db);
    await sql`
      INSERT INTO app_api_configs (instance_id, app_id, client_id, client_secret_hash, auth_method)
      SELECT instance_id, id, 'c' || id, NULL, 0 FROM apps`.execute(store.db);
    await sql`ANALYZE apps`.execute(store.db);
    await sql`ANALYZE app_api_configs`.execute(store.db);
  }, 180_000);
  afterAll(async () => {
    await traced?.destroy();
    await store?.close();
    await backend.dispose();
  });

  async function plansOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[][]> {
    captured.length = 0;
    await run();
    const plans = [];
    for (const query of captured) {
      const { rows } = await pool.query<{ "QUERY PLAN": [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]);
      plans.push(planNodes(rows[0]!["QUERY PLAN"][0].Plan));
    }
    return plans;
  }

  test.each([
    ["a page of one project's apps", [] as { value: string; match: TextMatch }[]],
    ["a page filtered by name", [{ value: "app 1", match: TextMatch.StartsWith }]],
  ])("ListApps: %s reads the project's index and never scans all apps", async (_title, names) => {
    const plans = await plansOf(async () => {
      const page = await listApps(traced, "i", "org", "p7", names, { offset: 0, limit: 100, asc: false });
      expect(page.result.length).toBeGreaterThan(0);
    });
    expect(plans).toHaveLength(2); // the count and the page
    for (const nodes of plans) {
      const onApps = nodes.filter((n) => n["Relation Name"] === "apps");
      expect(onApps.length).toBeGreaterThan(0);
      for (const node of onApps) {
        expect(node["Node Type"]).not.toBe("Seq Scan");
        expect(node["Index Name"]).toBe("apps_project_idx");
      }
      expect(nodes.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "app_api_configs")).toBe(false);
    }
  });
});
