import type { QueryCreator, Updateable } from "kysely";
import { updateWhere } from "./row-statements.js";
import type { StoredEvent } from "../../domain/events.js";
import type { Database } from "../schema.js";

/** Dates and sequence of a row created by `event`. */
export const createdBy = (event: StoredEvent) => ({
  instance_id: event.instanceId,
  creation_date: event.createdAt,
  change_date: event.createdAt,
  sequence: event.sequence,
});

/** Dates and sequence of a row last changed by `event`. */
export const changedBy = (event: StoredEvent) => ({ change_date: event.createdAt, sequence: event.sequence });

export const ACTIVE = 1;
export const INACTIVE = 2;

/** Tables whose rows are keyed by (instance_id, id) and carry change_date and sequence. */
type VersionedTable = "projects" | "apps" | "users";

/** Sets `values` (those not undefined) on one row of `table` and records `event` as the row's last change. */
export function updateRow<T extends VersionedTable>(db: QueryCreator<Database>, table: T, event: StoredEvent, id: string, values: Updateable<Database[T]>) {
  return updateWhere<VersionedTable>(db, table, { ...values, ...changedBy(event) }, { instance_id: event.instanceId, id });
}
