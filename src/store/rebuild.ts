import { sql, type Kysely, type Transaction } from "kysely";
import { toStoredEvent } from "./event-store.js";
import { sendPipelined } from "./pipeline.js";
import type { Projector } from "./projector.js";
import type { Database, EventRow } from "./schema.js";

const BATCH_SIZE = 1000;

export interface RebuildResult {
  events: number;
  tables: (keyof Database)[];
}

/**
 * Clears every projection and replays all events into it, in one transaction: readers see either
 * the old tables or the rebuilt ones. Events are replayed as they were appended: by position (the
 * database's clock when their command ran, to the microsecond, read after the command's locks) and
 * order within their transaction, the order of events2_position_idx. Commands that depend on each
 * other hold a common lock, so their events are positioned in the order they committed; the key
 * columns after those two only make the order total (commands on unrelated aggregates may share a
 * microsecond; aggregate ids are unique across instances), so that pages never skip or repeat an event.
 */
export async function rebuildProjections(db: Kysely<Database>, projector: Projector): Promise<RebuildResult> {
  return db.transaction().execute(async (tx) => {
    // Safe while keygate runs: every command appends to events2 (a ROW EXCLUSIVE lock), so this waits
    // for the commands in flight and holds new ones until the rebuild commits; readers (ACCESS SHARE)
    // go on and see the old tables. Without it a command committing mid-rebuild clashed with the replay.
    await sql`LOCK TABLE events2 IN EXCLUSIVE MODE`.execute(tx);
    return replayEvents(tx, projector);
  });
}

/** Clears every projection and replays all events into it, inside the caller's transaction. */
export async function replayEvents(tx: Transaction<Database>, projector: Projector): Promise<RebuildResult> {
  for (const table of projector.tables) await tx.deleteFrom(table).execute();
  let replayed = 0;
  let after: EventRow | undefined;
  for (;;) {
    let query = tx
      .selectFrom("events2")
      .selectAll()
      .orderBy("position")
      .orderBy("in_tx_order")
      .orderBy("aggregate_type")
      .orderBy("aggregate_id")
      .orderBy("sequence")
      .limit(BATCH_SIZE);
    if (after) {
      const last = after;
      query = query.where((eb) =>
        eb(
          eb.refTuple("position", "in_tx_order", "aggregate_type", "aggregate_id", "sequence"),
          ">",
          eb.tuple(last.position, last.in_tx_order, last.aggregate_type, last.aggregate_id, last.sequence),
        ),
      );
    }
    const rows = await query.execute();
    await sendPipelined(tx, rows.flatMap((row) => projector.writesFor(tx, toStoredEvent(row))));
    replayed += rows.length;
    if (rows.length < BATCH_SIZE) return { events: replayed, tables: projector.tables };
    after = rows[rows.length - 1];
  }
}
