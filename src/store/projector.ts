import type { QueryCreator } from "kysely";
import type { EventOf, EventType, StoredEvent } from "../domain/events.js";
import type { Statement } from "./pipeline.js";
import type { Database } from "./schema.js";

/** One statement a projection has run for an event, built (or precompiled) but not sent. */
export type ProjectionWrite = Statement;

/**
 * How one event changes a read model: the statements to run, in order. Handlers only build them,
 * so the event store can send a command's statements together (see pipeline.ts).
 */
export type ProjectionHandler<T extends EventType> = (db: QueryCreator<Database>, event: EventOf<T>) => ProjectionWrite[];
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

  /** The statements that bring every projection up to `event`. */
  writesFor(db: QueryCreator<Database>, event: StoredEvent): ProjectionWrite[] {
    return this.projections.flatMap((projection) => {
      const handler = projection.handlers[event.type] as ProjectionHandler<EventType> | undefined;
      return handler ? handler(db, event as EventOf<EventType>) : [];
    });
  }

  /** Every table the projections own, in an order that can be cleared without breaking foreign keys. */
  get tables(): (keyof Database)[] {
    return this.projections.flatMap((projection) => projection.tables);
  }
}
