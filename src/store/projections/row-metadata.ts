import type { StoredEvent } from "../../domain/events.js";

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
