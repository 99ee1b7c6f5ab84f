import { expect } from "vitest";
import type { Store } from "../../src/store/open-store.js";
import { rebuildProjections, type RebuildResult } from "../../src/store/rebuild.js";
import type { Database } from "../../src/store/schema.js";

/** Every projection table's rows, in a stable order, for comparison. */
export async function snapshot(store: Store): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of store.projector.tables) {
    const rows = await store.db.selectFrom(table as keyof Database).selectAll().execute();
    tables[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return tables;
}

/**
 * Rebuilds every projection from the events (as `npm run rebuild-projections` does) and expects each
 * table's rows exactly as they were. `moreRowsThan` makes sure that the tables compared hold
 * something, so that an empty projection cannot pass. Returns the rebuild's result and the rows.
 */
export async function expectRebuildReproduces(
  store: Store,
  moreRowsThan: Record<string, number> = {},
): Promise<{ result: RebuildResult; live: Record<string, unknown[]> }> {
  const live = await snapshot(store);
  for (const [table, count] of Object.entries(moreRowsThan)) expect(live[table]!.length).toBeGreaterThan(count);
  const result = await rebuildProjections(store.db, store.projector);
  expect(await snapshot(store)).toEqual(live);
  return { result, live };
}

/**
 * Adds rows through `add` (one row per call) until `table` holds more than `count`: a rebuild test
 * that must not depend on the tests before it seeds the rows its thresholds need (and no more).
 */
export async function seedMoreThan(store: Store, table: keyof Database, count: number, add: () => Promise<unknown>): Promise<void> {
  const held = async () => Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  for (let missing = count + 1 - (await held()); missing > 0; missing--) await add();
}
