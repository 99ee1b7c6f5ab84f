import { sql, type Kysely, type Transaction } from "kysely";
import type { Decision, UniqueConstraintChange } from "../domain/decision.js";
import type { AggregateType, PendingEvent, StoredEvent } from "../domain/events.js";
import { isUniqueViolation, isRetryableConflict } from "./postgres-errors.js";
import type { Projector } from "./projector.js";
import type { Database, EventRow } from "./schema.js";

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

  constructor(
    readonly db: Kysely<Database>,
    private readonly projector: Projector,
    /** Told of the events of each committed transaction of `transaction` (metrics). */
    private readonly onAppended?: (events: readonly StoredEvent[]) => void,
  ) {}

  /** Runs `work` in a transaction, again from the start when Postgres reports a serialization conflict. */
  async transaction<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        let appended: StoredEvent[] = [];
        const result = await this.db.transaction().execute(async (tx) => {
          const value = await work(tx);
          appended = this.uncommitted.get(tx) ?? [];
          return value;
        });
        if (appended.length > 0) this.onAppended?.(appended);
        return result;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
      }
    }
  }

  /** Locks an aggregate's head for the rest of the transaction; undefined if it has no events yet. */
  async lock(tx: Transaction<Database>, instanceId: string, type: AggregateType, id: string): Promise<AggregateHead | undefined> {
    return tx
      .selectFrom("aggregates")
      .select(["owner", "sequence"])
      .where("instance_id", "=", instanceId)
      .where("aggregate_type", "=", type)
      .where("aggregate_id", "=", id)
      .forUpdate()
      .executeTakeFirst();
  }

  /**
   * Runs one command on one aggregate: locks its head, lets `decide` read the state it needs and
   * decide, and appends what it decided. Returns the appended events (none if nothing changed).
   */
  async execute(
    actor: Actor,
    aggregate: { type: AggregateType; id: string; owner?: string },
    decide: (tx: Transaction<Database>) => Promise<Decision>,
  ): Promise<StoredEvent[]> {
    return this.transaction(async (tx) => {
      const head = await this.lock(tx, actor.instanceId, aggregate.type, aggregate.id);
      // The head is locked and nothing but this transaction can move it: push need not read it again.
      return this.push(tx, actor, await decide(tx), aggregate.owner, new Map([[`${aggregate.type}/${aggregate.id}`, head]]));
    });
  }

  /**
   * Appends the decided events and applies their unique constraints and projections.
   * `owner` becomes the owner of aggregates that do not exist yet; existing ones keep theirs.
   */
  async push(
    tx: Transaction<Database>,
    actor: Actor,
    decision: Decision,
    owner = actor.orgId,
    locked: ReadonlyMap<string, AggregateHead | undefined> = new Map(),
  ): Promise<StoredEvent[]> {
    if (decision.events.length === 0) return [];
    for (const change of decision.uniqueConstraints) await applyUniqueConstraint(tx, actor.instanceId, change);

    const rows = await this.sequenceEvents(tx, actor, decision.events, owner, locked);
    const inserted = await tx
      .insertInto("events2")
      .values(
        rows.map((row) => ({
          ...row,
          created_at: sql<Date>`statement_timestamp()`,
          position: sql<string>`extract(epoch from statement_timestamp())`,
        })),
      )
      .returningAll()
      .execute();
    const events = inserted.sort((a, b) => a.in_tx_order - b.in_tx_order).map(toStoredEvent);
    await this.advanceHeads(tx, events);
    for (const stored of events) await this.projector.apply(tx, stored);
    if (this.onAppended) this.uncommitted.set(tx, [...(this.uncommitted.get(tx) ?? []), ...events]);
    return events;
  }

  /** `locked`: heads this transaction has already locked and read ("type/id" -> head, undefined: no events yet). */
  private async sequenceEvents(tx: Transaction<Database>, actor: Actor, events: PendingEvent[], owner: string, locked: ReadonlyMap<string, AggregateHead | undefined>) {
    const heads = new Map<string, AggregateHead>();
    const rows = [];
    for (const [index, pending] of events.entries()) {
      const key = `${pending.aggregateType}/${pending.aggregateId}`;
      let head = heads.get(key);
      if (!head) {
        const known = locked.has(key) ? locked.get(key) : await this.lock(tx, actor.instanceId, pending.aggregateType, pending.aggregateId);
        head = known ? { ...known } : { owner, sequence: 0 };
        heads.set(key, head);
      }
      head.sequence++;
      rows.push({
        instance_id: actor.instanceId,
        aggregate_type: pending.aggregateType,
        aggregate_id: pending.aggregateId,
        event_type: pending.type,
        sequence: head.sequence,
        revision: AGGREGATE_REVISION,
        payload: pending.payload === null ? null : JSON.stringify(pending.payload),
        creator: actor.userId,
        owner: head.owner,
        in_tx_order: index + 1,
      });
    }
    return rows;
  }

  private async advanceHeads(tx: Transaction<Database>, events: StoredEvent[]): Promise<void> {
    const latest = new Map<string, StoredEvent>();
    for (const stored of events) latest.set(`${stored.aggregateType}/${stored.aggregateId}`, stored);
    for (const head of latest.values()) {
      await tx
        .insertInto("aggregates")
        .values({
          instance_id: head.instanceId,
          aggregate_type: head.aggregateType,
          aggregate_id: head.aggregateId,
          owner: head.owner,
          sequence: head.sequence,
          updated_at: head.createdAt,
        })
        .onConflict((oc) =>
          oc.columns(["instance_id", "aggregate_type", "aggregate_id"]).doUpdateSet({ sequence: head.sequence, updated_at: head.createdAt }),
        )
        .execute();
    }
  }
}

async function applyUniqueConstraint(tx: Transaction<Database>, instanceId: string, change: UniqueConstraintChange): Promise<void> {
  const field = change.field.toLowerCase();
  if (change.action === "remove") {
    await tx
      .deleteFrom("unique_constraints")
      .where("instance_id", "=", instanceId)
      .where("unique_type", "=", change.type)
      .where("unique_field", "in", [field, change.field])
      .execute();
    return;
  }
  try {
    // The failed insert aborts the transaction; the command's error is what the caller sees.
    await tx.insertInto("unique_constraints").values({ instance_id: instanceId, unique_type: change.type, unique_field: field }).execute();
  } catch (error) {
    if (isUniqueViolation(error) && change.error) throw change.error;
    throw error;
  }
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
