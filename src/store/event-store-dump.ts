import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { sql, type Kysely, type Transaction } from "kysely";
import { migrationNames } from "./migrator.js";
import type { Projector } from "./projector.js";
import { replayEvents } from "./rebuild.js";
import type { Database } from "./schema.js";

/**
 * The write side of the store, which an export carries and an import restores: the events, the
 * aggregate heads, the unique constraints, the client assertion ids already used (replay
 * protection of the token endpoint) and when each app secret was last used (not an event, so no
 * rebuild makes it again). Everything else is a projection, rebuilt from them.
 * Each table is paged through by its primary key.
 */
export const DUMPED_TABLES = {
  events2: ["instance_id", "aggregate_type", "aggregate_id", "sequence"],
  aggregates: ["instance_id", "aggregate_type", "aggregate_id"],
  unique_constraints: ["instance_id", "unique_type", "unique_field"],
  used_client_assertions: ["instance_id", "issuer", "jti"],
  app_secret_uses: ["instance_id", "app_id", "secret_id"],
} as const satisfies Partial<Record<keyof Database, readonly string[]>>;

type DumpedTable = keyof typeof DUMPED_TABLES;

const FORMAT = "keygate-event-store";
const FORMAT_VERSION = 1;
const PAGE_ROWS = 1000;

/** The first line of an export: what wrote it and for which schema. */
interface DumpHeader {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  migrations: string[];
}

export class DumpImportError extends Error {
  override readonly name = "DumpImportError";
}

/**
 * Writes the write side as NDJSON: a header line, then one `{"table":…,"row":…}` line per row. Rows
 * are rendered by Postgres (`row_to_json`), so timestamps keep their microseconds and positions all
 * their digits; one repeatable-read transaction makes the export a consistent snapshot.
 */
export async function exportEventStore(db: Kysely<Database>, out: Writable): Promise<number> {
  const header: DumpHeader = { format: FORMAT, version: FORMAT_VERSION, migrations: migrationNames() };
  await write(out, `${JSON.stringify(header)}\n`);
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (tx) => {
      let rows = 0;
      for (const table of Object.keys(DUMPED_TABLES) as DumpedTable[]) {
        for await (const page of pagesOf(tx, table)) {
          await write(out, page.map((row) => `{"table":"${table}","row":${row}}\n`).join(""));
          rows += page.length;
        }
      }
      return rows;
    });
}

/** One table's rows as JSON text, a page at a time, in primary key order. */
async function* pagesOf(tx: Transaction<Database>, table: DumpedTable): AsyncGenerator<string[]> {
  const key = sql.join(DUMPED_TABLES[table].map((column) => sql.ref(`t.${column}`)));
  let after: unknown[] | undefined;
  for (;;) {
    const from = after === undefined ? sql`` : sql`WHERE (${key}) > (${sql.join(after)})`;
    const { rows } = await sql<{ row: string; key: unknown[] }>`
      SELECT row_to_json(t)::text AS row, json_build_array(${key}) AS key
      FROM ${sql.table(table)} t ${from} ORDER BY ${key} LIMIT ${PAGE_ROWS}`.execute(tx);
    if (rows.length > 0) yield rows.map((r) => r.row);
    if (rows.length < PAGE_ROWS) return;
    // json comes back parsed, from pg and PGlite alike.
    after = rows[rows.length - 1]!.key;
  }
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

export interface ImportResult {
  rows: Record<DumpedTable, number>;
  events: number;
}

/**
 * Reads an export into an empty database (one that holds events is refused) and rebuilds every
 * projection from it, all in one transaction: either everything is imported or nothing is.
 * Row values go to Postgres as the JSON text of the export (`json_populate_recordset`), never through
 * JavaScript numbers or dates, so nothing is rounded.
 */
export async function importEventStore(db: Kysely<Database>, projector: Projector, input: Readable): Promise<ImportResult> {
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  readHeader(first.done === true ? undefined : first.value);
  return db.transaction().execute(async (tx) => {
    const existing = await sql<{ n: number }>`SELECT 1 AS n FROM events2 LIMIT 1`.execute(tx);
    if (existing.rows.length > 0) throw new DumpImportError("the database already holds events; import needs an empty one (a fresh database, migrated)");
    const rows = Object.fromEntries(Object.keys(DUMPED_TABLES).map((table) => [table, 0])) as Record<DumpedTable, number>;
    let batch: { table: DumpedTable; lines: string[] } | undefined;
    const flush = async () => {
      if (batch === undefined || batch.lines.length === 0) return;
      await insertRows(tx, batch.table, batch.lines);
      rows[batch.table] += batch.lines.length;
      batch = undefined;
    };
    let lineNumber = 1;
    for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
      const line = next.value;
      lineNumber += 1;
      if (line.trim() === "") continue;
      const table = tableOf(line, lineNumber);
      if (batch !== undefined && (batch.table !== table || batch.lines.length >= PAGE_ROWS)) await flush();
      batch ??= { table, lines: [] };
      batch.lines.push(line);
    }
    await flush();
    const { events } = await replayEvents(tx, projector);
    return { rows, events };
  });
}

function readHeader(line: string | undefined): void {
  let header: Partial<DumpHeader>;
  try {
    header = JSON.parse(line ?? "") as Partial<DumpHeader>;
  } catch {
    throw new DumpImportError("line 1 is not a keygate export header (is the input empty?)");
  }
  if (header.format !== FORMAT || header.version !== FORMAT_VERSION) {
    throw new DumpImportError(`line 1: expected a ${FORMAT} export of version ${FORMAT_VERSION}`);
  }
  const expected = migrationNames();
  if (JSON.stringify(header.migrations) !== JSON.stringify(expected)) {
    throw new DumpImportError(`the export was written for the schema [${String(header.migrations)}], this keygate has [${expected.join(", ")}]; import with the keygate version that exported it`);
  }
}

/** The table a row line is for; the line must be a JSON object `{"table": …, "row": {…}}`. */
function tableOf(line: string, lineNumber: number): DumpedTable {
  let parsed: { table?: unknown; row?: unknown };
  try {
    parsed = JSON.parse(line) as { table?: unknown; row?: unknown };
  } catch {
    throw new DumpImportError(`line ${lineNumber} is not JSON`);
  }
  if (typeof parsed.table !== "string" || !Object.hasOwn(DUMPED_TABLES, parsed.table)) {
    throw new DumpImportError(`line ${lineNumber}: "table" must be one of ${Object.keys(DUMPED_TABLES).join(", ")}`);
  }
  if (typeof parsed.row !== "object" || parsed.row === null || Array.isArray(parsed.row)) {
    throw new DumpImportError(`line ${lineNumber}: "row" must be an object`);
  }
  return parsed.table as DumpedTable;
}

async function insertRows(tx: Transaction<Database>, table: DumpedTable, lines: string[]): Promise<void> {
  const document = `[${lines.join(",")}]`;
  await sql`
    INSERT INTO ${sql.table(table)}
    SELECT r.* FROM json_array_elements(${document}::json) AS line,
      json_populate_record(NULL::${sql.table(table)}, line->'row') AS r`.execute(tx);
}
