import { CompiledQuery, sql, type Kysely, type Transaction } from "kysely";
import type { Decision, UniqueConstraintChange } from "../domain/decision.js";
import type { AggregateType, PendingEvent, StoredEvent } from "../domain/events.js";
import { compiled, sendAhead, sendPipelined } from "./pipeline.js";
import { precompile, precompiledShape, rowsOf } from "./precompiled.js";
import { isUniqueViolation, isRetryableConflict } from "./postgres-errors.js";
import type { Projector } from "./projector.js";
import type { Database, EventRow, NewEventRow } from "./schema.js";

/** Who writes: the instance, the org the command acts in (the owner of new aggregates) and the user. */
export interface Actor {
  instanceId: string;
  orgId: string;
  userId: string;
}

export interface AggregateHead {
  owner: string;
  sequence: number;
}

const AGGREGATE_REVISION = 1;
const MAX_ATTEMPTS = 5;

/**
 * Appends events with gap-free per-aggregate sequences. Writers of an aggregate first lock its head
 * row, then read the state they decide on, so concurrent commands on one project (in any process)
 * queue behind each other instead of losing or interleaving events. Unique constraints and
 * projections are written in the same transaction, so a command lands entirely or not at all.
 */
export class EventStore {
  /** Events pushed in a transaction not yet committed; reported to onAppended after the commit. */
  private readonly uncommitted = new WeakMap<Transaction<Database>, StoredEvent[]>();

  /** How the events of a command get their date and position (see the two clocks below). */
  private readonly clock: typeof concurrentClock;

  constructor(
    readonly db: Kysely<Database>,
    private readonly projector: Projector,
    /** Told of the events of each committed transaction of `transaction` (metrics). */
    private readonly onAppended?: (events: readonly StoredEvent[]) => void,
    /** The embedded database runs one transaction at a time, and its clock ticks in milliseconds. */
    database: "postgres" | "embedded" = "postgres",
  ) {
    this.clock = database === "embedded" ? singleWriterClock : concurrentClock;
  }

  /** Runs `work` in a transaction, again from the start when Postgres reports a serialization conflict. */
  async transaction<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return retryingConflicts(async () => {
      let appended: StoredEvent[] = [];
      const result = await this.db.transaction().execute(async (tx) => {
        const value = await work(tx);
        appended = this.uncommitted.get(tx) ?? [];
        return value;
      });
      if (appended.length > 0) this.onAppended?.(appended);
      return result;
    });
  }

  /** Locks an aggregate's head for the rest of the transaction; undefined if it has no events yet. */
  async lock(tx: Transaction<Database>, instanceId: string, type: AggregateType, id: string): Promise<AggregateHead | undefined> {
    const [head] = await rowsOf(tx, lockedHead(tx, instanceId, type, id));
    return head;
  }

  /**
   * Runs one command on one aggregate in its own transaction, in two round trips: `begin`, the
   * lock of the aggregate's head, the clock and decide's reads go out together (Postgres answers
   * the reads once the lock is held, so they see every command before this one); then the writes
   * and `commit`. A write that fails aborts the transaction, and Postgres answers the `commit`
   * after it with a rollback, so nothing of the command lands. Returns the appended events (none
   * if nothing changed).
   */
  async execute(
    actor: Actor,
    aggregate: { type: AggregateType; id: string; owner?: string },
    decide: (tx: Kysely<Database>) => Promise<Decision>,
    options: { hold?: readonly HeldAggregate[] } = {},
  ): Promise<StoredEvent[]> {
    const events = await retryingConflicts(() =>
      this.db.connection().execute(async (tx) => {
        let ended = false;
        try {
          const begun = sendAhead(tx, BEGIN);
          const locked = sendAhead(tx, lockedHead(tx, actor.instanceId, aggregate.type, aggregate.id));
          const held = (options.hold ?? []).map((other) => sendAhead(tx, sharedHead(tx, actor.instanceId, other.type, other.id)));
          const clock = sendAhead(tx, this.clock(tx));
          const [, head, now, decision] = await Promise.all([begun, locked, clock, decide(tx), ...held]);
          // The head is locked and nothing but this transaction can move it: the writes need not read it again.
          const heads = new Map([[aggregateKey(aggregate.type, aggregate.id), head.rows[0]]]);
          const writes = this.writesOf(tx, actor, decision, aggregate.owner, heads, now.rows[0]!);
          const last = [...writes.statements, COMMIT].map(compiled);
          // From here the transaction ends with the commit, or with Postgres' rollback of it after a failed write.
          ended = true;
          await sendPipelined(tx, last, writes.explain);
          return writes.events;
        } catch (error) {
          // A connection that cannot roll back is broken, and the pool drops it on release; the command's error is the one to report.
          if (!ended) await tx.executeQuery(ROLLBACK).catch(() => {});
          throw error;
        }
      }),
    );
    if (events.length > 0) this.onAppended?.(events);
    return events;
  }

  /**
   * Appends the decided events and applies their unique constraints and projections, all sent in
   * one round trip, in a transaction of `transaction`. `owner` becomes the owner of aggregates that
   * do not exist yet; existing ones keep theirs. The database's clock, read after the heads were
   * locked, dates the events and gives their position.
   */
  async push(tx: Transaction<Database>, actor: Actor, decision: Decision, owner = actor.orgId): Promise<StoredEvent[]> {
    if (decision.events.length === 0) return [];
    const heads = await this.lockUnlocked(tx, actor.instanceId, decision.events);
    const [clock] = await rowsOf(tx, this.clock(tx));
    const { events, statements, explain } = this.writesOf(tx, actor, decision, owner, heads, clock!);
    await sendPipelined(tx, statements, explain);
    if (this.onAppended) this.uncommitted.set(tx, [...(this.uncommitted.get(tx) ?? []), ...events]);
    return events;
  }

  /**
   * The events of `decision`, numbered after their aggregates' locked heads, and the statements
   * that write them: unique constraints, the events, the heads and the projections. `explain`
   * turns the error of a failed statement into the command's error.
   */
  private writesOf(tx: Kysely<Database>, actor: Actor, decision: Decision, owner = actor.orgId, heads: ReadonlyMap<string, AggregateHead | undefined>, clock: DatabaseClock) {
    const events = sequenceEvents(actor, decision.events, owner, heads, clock);
    if (events.length === 0) return { events, statements: [], explain: (error: unknown) => error };
    const uniques = decision.uniqueConstraints.map((change) => uniqueConstraintStatement(tx, actor.instanceId, change));
    const statements = [
      ...uniques,
      insertEvents(tx, events),
      ...headUpdates(tx, events),
      ...events.flatMap((event) => this.projector.writesFor(tx, event)),
    ];
    // A unique constraint insert that found the value taken aborts the transaction; the command's error is what the caller sees.
    const explain = (error: unknown, index: number) => (index < uniques.length && isUniqueViolation(error) ? (decision.uniqueConstraints[index]!.clash?.() ?? error) : error);
    return { events, statements, explain };
  }

  /** Locks the heads of every aggregate the events touch. */
  private async lockUnlocked(tx: Transaction<Database>, instanceId: string, events: readonly PendingEvent[]) {
    const heads = new Map<string, AggregateHead | undefined>();
    for (const pending of events) {
      const key = aggregateKey(pending.aggregateType, pending.aggregateId);
      if (!heads.has(key)) heads.set(key, await this.lock(tx, instanceId, pending.aggregateType, pending.aggregateId));
    }
    return heads;
  }
}

/** Runs `attempt` again from the start, up to MAX_ATTEMPTS times, while Postgres reports a serialization conflict or deadlock. */
async function retryingConflicts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let count = 1; ; count++) {
    try {
      return await attempt();
    } catch (error) {
      if (count >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
    }
  }
}

const BEGIN = CompiledQuery.raw("begin");
const COMMIT = CompiledQuery.raw("commit");
const ROLLBACK = CompiledQuery.raw("rollback");

/** How heads are keyed in the maps of one push: "type/id". */
const aggregateKey = (type: AggregateType, id: string) => `${type}/${id}`;

const lockedHead = precompile((db, instanceId: string, type: string, id: string) =>
  db
    .selectFrom("aggregates")
    .select(["owner", "sequence"])
    .where("instance_id", "=", instanceId)
    .where("aggregate_type", "=", type)
    .where("aggregate_id", "=", id)
    .forUpdate(),
);

/**
 * Holds an aggregate's head against writers for the rest of the transaction without writing it:
 * commands holding the same aggregate run side by side, a command on it waits for them.
 */
const sharedHead = precompile((db, instanceId: string, type: string, id: string) =>
  db.selectFrom("aggregates").select("sequence").where("instance_id", "=", instanceId).where("aggregate_type", "=", type).where("aggregate_id", "=", id).forShare(),
);

/** When a command's events happened, by the database's clock: their date, and their position to the microsecond. */
interface DatabaseClock {
  now: Date;
  /** Seconds since the epoch with six decimals, as ZITADEL's positions (numeric, exact as text). */
  position: string;
}

/**
 * Read after the locks (of the command's aggregate and of those it holds), so the events of
 * commands that depend on each other are positioned in the order they committed, and a rebuild
 * replaying by position decides as the live commands did. Postgres' clock ticks in microseconds.
 */
const concurrentClock = precompile((db) =>
  db.selectNoFrom([sql<Date>`statement_timestamp()`.as("now"), sql<string>`extract(epoch from statement_timestamp())::numeric(17, 6)::text`.as("position")]),
);

/**
 * PGlite's clock ticks in milliseconds (Emscripten's gettimeofday), so commands within one tick
 * would share a position. It runs one transaction at a time, so the last position appended is the
 * one before this command's: one microsecond past it keeps positions in commit order.
 * The greatest position is one step down events2_position_idx.
 */
const singleWriterClock = precompile((db) =>
  db.selectNoFrom([
    sql<Date>`statement_timestamp()`.as("now"),
    sql<string>`greatest(extract(epoch from statement_timestamp())::numeric(17, 6), (select max(position) from events2) + 0.000001)::text`.as("position"),
  ]),
);

/** Another aggregate a command decides on without writing to it. */
export interface HeldAggregate {
  type: AggregateType;
  id: string;
}

/** Numbers the events per aggregate after the heads; an aggregate without a head starts at 1 and belongs to `owner`. */
function sequenceEvents(actor: Actor, events: readonly PendingEvent[], owner: string, locked: ReadonlyMap<string, AggregateHead | undefined>, { now: createdAt, position }: DatabaseClock): StoredEvent[] {
  const heads = new Map<string, AggregateHead>();
  return events.map((pending, index) => {
    const key = aggregateKey(pending.aggregateType, pending.aggregateId);
    const head = heads.get(key) ?? { ...(locked.get(key) ?? { owner, sequence: 0 }) };
    heads.set(key, head);
    head.sequence++;
    return {
      instanceId: actor.instanceId,
      aggregateType: pending.aggregateType,
      aggregateId: pending.aggregateId,
      type: pending.type,
      payload: pending.payload,
      sequence: head.sequence,
      revision: AGGREGATE_REVISION,
      createdAt,
      creator: actor.userId,
      owner: head.owner,
      position,
      inTxOrder: index + 1,
    } as StoredEvent;
  });
}


/** The columns of an events2 row, in the order insertEvents passes them. */
const eventColumns = (event: StoredEvent): NewEventRow => ({
  instance_id: event.instanceId,
  aggregate_type: event.aggregateType,
  aggregate_id: event.aggregateId,
  event_type: event.type,
  sequence: event.sequence,
  revision: event.revision,
  created_at: event.createdAt,
  payload: event.payload === null ? null : JSON.stringify(event.payload),
  creator: event.creator,
  owner: event.owner,
  position: event.position,
  in_tx_order: event.inTxOrder,
});

/** One insert of all the events, compiled once per number of events. */
function insertEvents(db: Kysely<Database>, events: readonly StoredEvent[]) {
  const rows = events.map(eventColumns);
  const columns = Object.keys(rows[0]!) as (keyof NewEventRow)[];
  const insert = precompiledShape(`events2 insert ${rows.length}`, (db, ...values) =>
    db.insertInto("events2").values(rows.map((_, r) => Object.fromEntries(columns.map((column, c) => [column, values[r * columns.length + c]])) as NewEventRow)),
  );
  return insert(db, ...rows.flatMap((row) => columns.map((column) => row[column])));
}

/** Moves each touched aggregate's head to its last event. */
function headUpdates(db: Kysely<Database>, events: readonly StoredEvent[]) {
  const latest = new Map<string, StoredEvent>();
  for (const event of events) latest.set(aggregateKey(event.aggregateType, event.aggregateId), event);
  return [...latest.values()].map((head) => upsertHead(db, head.instanceId, head.aggregateType, head.aggregateId, head.owner, head.sequence, head.createdAt));
}

const upsertHead = precompile((db, instanceId: string, type: string, id: string, owner: string, sequence: number, updatedAt: Date) =>
  db
    .insertInto("aggregates")
    .values({ instance_id: instanceId, aggregate_type: type, aggregate_id: id, owner, sequence, updated_at: updatedAt })
    .onConflict((oc) => oc.columns(["instance_id", "aggregate_type", "aggregate_id"]).doUpdateSet({ sequence, updated_at: updatedAt })),
);

const claimUnique = precompile((db, instanceId: string, type: string, field: string) =>
  db.insertInto("unique_constraints").values({ instance_id: instanceId, unique_type: type, unique_field: field }),
);

/** As ZITADEL's remove: the field lower-cased (as claimed) or exactly as given. */
const releaseUnique = precompile((db, instanceId: string, type: string, lowered: string, given: string) =>
  db.deleteFrom("unique_constraints").where("instance_id", "=", instanceId).where("unique_type", "=", type).where("unique_field", "in", [lowered, given]),
);

function uniqueConstraintStatement(db: Kysely<Database>, instanceId: string, change: UniqueConstraintChange) {
  const field = change.field.toLowerCase();
  return change.action === "remove" ? releaseUnique(db, instanceId, change.type, field, change.field) : claimUnique(db, instanceId, change.type, field);
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    instanceId: row.instance_id,
    aggregateType: row.aggregate_type as AggregateType,
    aggregateId: row.aggregate_id,
    type: row.event_type,
    payload: row.payload,
    sequence: row.sequence,
    revision: row.revision,
    createdAt: row.created_at,
    creator: row.creator,
    owner: row.owner,
    position: row.position,
    inTxOrder: row.in_tx_order,
  } as StoredEvent;
}
