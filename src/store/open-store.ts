import { sql, type Kysely } from "kysely";
import type { StoredEvent } from "../domain/events.js";
import { createIdGenerator, type IdGenerator } from "../domain/ids.js";
import { openDatabase, type DatabaseTarget, type OpenDatabase } from "./database.js";
import { EventStore } from "./event-store.js";
import { migrateToLatest, requireLatest } from "./migrator.js";
import { createProjector } from "./projections/index.js";
import type { RoundTripListener } from "./round-trips.js";
import type { Projector } from "./projector.js";
import type { Database } from "./schema.js";

export interface Store extends OpenDatabase {
  events: EventStore;
  projector: Projector;
  ids: IdGenerator;
  nodeId: number;
  close(): Promise<void>;
}

export interface StoreOptions {
  /**
   * Run pending migrations (the default). When false the schema must already be current (deployments
   * that migrate in a separate job, `keygate migrate`), and opening fails if it is not.
   */
  migrate?: boolean;
  /** The events of each committed command, e.g. for metrics. */
  onEventsAppended?: (events: readonly StoredEvent[]) => void;
  /** A pooled Postgres connection died while idle (see openDatabase). */
  onIdleConnectionError?: (error: Error) => void;
  /** Hears of each round trip's statements (tracing); without it the store does no such work. */
  roundTrips?: RoundTripListener;
}

/** Opens the database, brings its schema up to date (or checks that it is) and sets up the event store and id generator. */
export async function openStore(target: DatabaseTarget, nodeId?: number, hooks: StoreOptions = {}): Promise<Store> {
  const opened = await openDatabase(target, hooks.onIdleConnectionError, hooks.roundTrips);
  try {
    const db = opened.db as unknown as Kysely<unknown>;
    if (hooks.migrate === false) await requireLatest(db);
    else await migrateToLatest(db);
    const node = nodeId ?? (await takeNodeId(opened.db));
    const projector = createProjector();
    return {
      ...opened,
      events: new EventStore(opened.db, projector, hooks.onEventsAppended, opened.kind),
      projector,
      ids: createIdGenerator(node),
      nodeId: node,
      close: () => opened.db.destroy(),
    };
  } catch (error) {
    await opened.db.destroy();
    throw error;
  }
}

/** Each starting process takes the next node id from a database sequence (see migration 0001). */
async function takeNodeId(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ id: number }>`SELECT nextval('node_ids')::int AS id`.execute(db);
  return rows[0]!.id;
}
