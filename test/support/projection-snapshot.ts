import type { Store } from "../../src/store/open-store.js";
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
