import type { Kysely, Transaction } from "kysely";
import { toStoredEvent } from "./event-store.js";
import { sendPipelined } from "./pipeline.js";
import type { Projector } from "./projector.js";
import type { Database } from "./schema.js";

const BATCH_SIZE = 1000;

export interface RebuildResult {
  events: number;
  tables: (keyof Database)[];
}

/**
 * Clears every projection and replays all events into it, in one transaction: readers see either
 * the old tables or the rebuilt ones. Events are read in pages in the order they were appended
 * (per aggregate that is sequence order, which is all a projection depends on).
 */
export async function rebuildProjections(db: Kysely<Database>, projector: Projector): Promise<RebuildResult> {
  return db.transaction().execute((tx) => replayEvents(tx, projector));
}

/** Clears every projection and replays all events into it, inside the caller's transaction. */
export async function replayEvents(tx: Transaction<Database>, projector: Projector): Promise<RebuildResult> {
  for (const table of projector.tables) await tx.deleteFrom(table).execute();
  let replayed = 0;
  let after: { position: string; aggregate_type: string; aggregate_id: string; sequence: number } | undefined;
  for (;;) {
    let query = tx
      .selectFrom("events2")
      .selectAll()
      .orderBy("position")
      .orderBy("aggregate_type")
      .orderBy("aggregate_id")
      .orderBy("sequence")
      .limit(BATCH_SIZE);
    if (after) {
      const last = after;
      query = query.where((eb) =>
        eb(eb.refTuple("position", "aggregate_type", "aggregate_id", "sequence"), ">", eb.tuple(last.position, last.aggregate_type, last.aggregate_id, last.sequence)),
      );
    }
    const rows = await query.execute();
    await sendPipelined(tx, rows.flatMap((row) => projector.writesFor(tx, toStoredEvent(row))));
    replayed += rows.length;
    if (rows.length < BATCH_SIZE) return { events: replayed, tables: projector.tables };
    after = rows[rows.length - 1];
  }
}
