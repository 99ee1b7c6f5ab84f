import type { Transaction } from "kysely";
import type { EventOf, EventType, StoredEvent } from "../domain/events.js";
import type { Database } from "./schema.js";

export type ProjectionHandler<T extends EventType> = (tx: Transaction<Database>, event: EventOf<T>) => Promise<void>;
export type ProjectionHandlers = { [T in EventType]?: ProjectionHandler<T> };

/** A read model: the tables it owns (children first, for clearing) and how events change them. */
export interface Projection {
  name: string;
  tables: (keyof Database)[];
  handlers: ProjectionHandlers;
}

/** Applies each event to every projection that handles its type, in the order the projections are given. */
export class Projector {
  constructor(readonly projections: readonly Projection[]) {}

  async apply(tx: Transaction<Database>, event: StoredEvent): Promise<void> {
    for (const projection of this.projections) {
      const handler = projection.handlers[event.type] as ProjectionHandler<EventType> | undefined;
      if (handler) await handler(tx, event as EventOf<EventType>);
    }
  }

  /** Every table the projections own, in an order that can be cleared without breaking foreign keys. */
  get tables(): (keyof Database)[] {
    return this.projections.flatMap((projection) => projection.tables);
  }
}
