import type { DomainError } from "./errors.js";
import type { PendingEvent } from "./events.js";

/**
 * A unique value claimed or released together with a command's events, as ZITADEL's unique
 * constraints: `field` is compared case-insensitively, and a clash fails the whole command with the
 * error `clash` makes (made only then: an Error captures a stack, too dear for every claim).
 */
export interface UniqueConstraintChange {
  action: "add" | "remove";
  type: string;
  field: string;
  clash?: () => DomainError;
}

/** What a command decided: the events to append and the unique values they claim or release. */
export interface Decision {
  events: PendingEvent[];
  uniqueConstraints: UniqueConstraintChange[];
}

export function decide(events: PendingEvent[], uniqueConstraints: UniqueConstraintChange[] = []): Decision {
  return { events, uniqueConstraints };
}
