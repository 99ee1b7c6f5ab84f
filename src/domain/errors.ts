/**
 * The one error type of the domain. `kind` decides the status code at the edge; `id` is ZITADEL's
 * error id (e.g. COMMAND-ov9d3) so that clients that match on it keep working; `text` is the English
 * message without the id.
 */
export type ErrorKind =
  | "InvalidArgument"
  | "NotFound"
  | "AlreadyExists"
  | "FailedPrecondition"
  | "PermissionDenied"
  | "Unauthenticated"
  | "ResourceExhausted"
  | "Unavailable"
  | "Internal";

export class DomainError extends Error {
  override readonly name = "DomainError";

  constructor(
    readonly kind: ErrorKind,
    readonly id: string,
    readonly text: string,
    options?: { cause?: unknown },
  ) {
    super(`${text} (${id})`, options);
  }
}

export const invalidArgument = (id: string, text: string) => new DomainError("InvalidArgument", id, text);
export const notFound = (id: string, text: string) => new DomainError("NotFound", id, text);
export const alreadyExists = (id: string, text: string) => new DomainError("AlreadyExists", id, text);
export const failedPrecondition = (id: string, text: string) => new DomainError("FailedPrecondition", id, text);
export const permissionDenied = (id: string, text: string) => new DomainError("PermissionDenied", id, text);
export const unauthenticated = (id: string, text: string) => new DomainError("Unauthenticated", id, text);

/** ZITADEL reports every violated unique constraint with this id. */
export const UNIQUE_CONSTRAINT_ERROR_ID = "V3-DKcYh";
