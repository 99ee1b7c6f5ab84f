/** Postgres error codes keygate reacts to; pg and PGlite both report them in `code` (SQLSTATE). */
const UNIQUE_VIOLATION = "23505";
const SERIALIZATION_FAILURE = "40001";
const DEADLOCK_DETECTED = "40P01";
/** Program limit exceeded: e.g. a value too large for an index row. */
const PROGRAM_LIMIT_EXCEEDED = "54000";

/** Node's socket errors: the connection to the database could not be made or broke. */
const SOCKET_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * The database could not be reached, or the connection a statement ran on died before its answer
 * came. Whether a write sent on it committed is unknown, so it must not be acknowledged; a later
 * call, on a new connection, may well succeed.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";

  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/**
 * What went wrong in the database, by cause: it could not be reached (`connection`), the
 * transaction lost a race with another (`serialization`), a value clashed with a unique one
 * (`unique`) or broke another constraint (`constraint`), or a value does not fit its column
 * (`data`: a NUL character, a number out of range, an invalid byte sequence).
 */
export type DatabaseFault = "connection" | "serialization" | "unique" | "constraint" | "data";

function codeOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** The cause of a database error, or undefined when it is none of these (then it is a bug of ours). */
export function databaseFaultOf(error: unknown): DatabaseFault | undefined {
  if (error instanceof DatabaseUnavailableError || isConnectionFailure(error)) return "connection";
  const code = codeOf(error);
  if (code === undefined) return undefined;
  if (code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED) return "serialization";
  if (code === UNIQUE_VIOLATION) return "unique";
  // Class 23: integrity constraint violation; class 22: data exception.
  if (code.startsWith("23")) return "constraint";
  if (code.startsWith("22") || code === PROGRAM_LIMIT_EXCEEDED) return "data";
  return undefined;
}

/**
 * An error that says the connection is gone or the server cannot serve: a socket error, class 08
 * (connection exception), class 53 (insufficient resources: too many connections, disk full), class
 * 57 (operator intervention: terminated backend, shutdown, server starting up).
 */
export function isConnectionFailure(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  return SOCKET_ERRORS.has(code) || code.startsWith("08") || code.startsWith("53") || code.startsWith("57");
}

export const isUniqueViolation = (error: unknown) => codeOf(error) === UNIQUE_VIOLATION;

export const isRetryableConflict = (error: unknown) => databaseFaultOf(error) === "serialization";
