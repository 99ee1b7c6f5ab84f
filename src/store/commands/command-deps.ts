import type { StoredEvent } from "../../domain/events.js";
import type { IdGenerator } from "../../domain/ids.js";
import type { KeyPairSource } from "../../domain/key-pair.js";
import type { EventStore } from "../event-store.js";

/** What commands need besides their input. */
export interface CommandDeps {
  store: EventStore;
  ids: IdGenerator;
  /** Hashes a new client secret in the configured format. */
  hashSecret: (secret: string) => Promise<string>;
  /** The RSA key pairs of new app and machine keys (generateRsaKeyPair: off the event loop). */
  keyPairs: KeyPairSource;
  /** The clock a new credential's expiry must lie ahead of, and a new token is dated by (keygate's runtime clock). */
  now: () => Date;
}

/** The `details` of a write: the last appended event's sequence, time and owner. */
export interface WriteDetails {
  sequence: number;
  date: Date;
  resourceOwner: string;
}

export function detailsOf(events: StoredEvent[]): WriteDetails {
  const last = events[events.length - 1];
  if (!last) throw new Error("a write without events has no details of its own");
  return { sequence: last.sequence, date: last.createdAt, resourceOwner: last.owner };
}
