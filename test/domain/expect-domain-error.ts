import { expect } from "vitest";
import { DomainError, type ErrorKind } from "../../src/domain/errors.js";
import type { UniqueConstraintChange } from "../../src/domain/decision.js";

/** Runs `fn` and checks that it throws a DomainError of exactly this kind, ZITADEL id and (if given) text. */
export function expectDomainError(fn: () => unknown, kind: ErrorKind, id: string, text?: string): DomainError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  const error = caught as DomainError;
  expect({ kind: error.kind, id: error.id }).toEqual({ kind, id });
  if (text !== undefined) {
    expect(error.text).toBe(text);
    expect(error.message).toBe(`${text} (${id})`);
  }
  return error;
}

/** A unique-constraint change without its error, for comparing claims and releases. */
export function constraintKeys(changes: readonly UniqueConstraintChange[]): { action: string; type: string; field: string }[] {
  return changes.map(({ action, type, field }) => ({ action, type, field }));
}

/** Checks that a claim reports a clash as ZITADEL does: AlreadyExists with V3-DKcYh and the constraint's text. */
export function expectClaimError(change: UniqueConstraintChange | undefined, text: string): void {
  expect(change?.action).toBe("add");
  const error = change?.clash?.();
  expect(error).toBeInstanceOf(DomainError);
  expect({ kind: error?.kind, id: error?.id, text: error?.text }).toEqual({
    kind: "AlreadyExists",
    id: "V3-DKcYh",
    text,
  });
}
