import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { DomainError, type ErrorKind } from "../domain/errors.js";
import { ErrorDetailSchema } from "../gen/zitadel/message_pb.js";
import { databaseFaultOf, type DatabaseFault } from "../store/postgres-errors.js";

const codes: Record<ErrorKind, Code> = {
  InvalidArgument: Code.InvalidArgument,
  NotFound: Code.NotFound,
  AlreadyExists: Code.AlreadyExists,
  FailedPrecondition: Code.FailedPrecondition,
  PermissionDenied: Code.PermissionDenied,
  Unauthenticated: Code.Unauthenticated,
  ResourceExhausted: Code.ResourceExhausted,
  Unavailable: Code.Unavailable,
  Internal: Code.Internal,
};

/**
 * Database errors by cause, as gRPC's status codes mean them: an unreachable database or a lost
 * connection is Unavailable (clients' retry policies retry it; nothing was acknowledged), a
 * transaction that still lost its race after the event store's retries is Aborted, a clash with a
 * unique value AlreadyExists, another broken constraint FailedPrecondition, a value that does not
 * fit its column InvalidArgument. The messages name no table, constraint or value.
 */
const databaseFaults: Record<DatabaseFault, { code: Code; message: string }> = {
  connection: { code: Code.Unavailable, message: "the database is unavailable; try again" },
  serialization: { code: Code.Aborted, message: "the change conflicted with a concurrent one; try again" },
  unique: { code: Code.AlreadyExists, message: "a value that must be unique is already taken" },
  constraint: { code: Code.FailedPrecondition, message: "the change breaks a constraint of the stored data" },
  data: { code: Code.InvalidArgument, message: "a value of the request cannot be stored (invalid characters, or out of range)" },
};

/** A domain error as ZITADEL sends it: "<text> (<id>)" plus a zitadel.v1.ErrorDetail with both. */
export function toConnectError(error: DomainError): ConnectError {
  return new ConnectError(error.message, codes[error.kind], undefined, [
    { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { id: error.id, message: error.text }) },
  ]);
}

/** What keygate hears of a call's failure that is not the caller's doing. */
export interface CallFaults {
  /** A fault of ours (a bug): answered Internal without its details. */
  onInternal(error: unknown): void;
  /** The database is unreachable or a connection died: answered Unavailable. */
  onUnavailable?(error: unknown): void;
}

/**
 * Every error leaving a handler, classified in this one place: domain errors keep their meaning,
 * Connect errors pass as they are, database errors by their cause (see databaseFaults), anything
 * else is a fault of ours, reported and answered without its details.
 */
export function toCallError(error: unknown, faults: CallFaults): ConnectError {
  if (error instanceof DomainError) return toConnectError(error);
  if (error instanceof ConnectError) return error;
  const fault = databaseFaultOf(error);
  if (fault === undefined) {
    faults.onInternal(error);
    return new ConnectError("internal error", Code.Internal);
  }
  if (fault === "connection") faults.onUnavailable?.(error);
  const { code, message } = databaseFaults[fault];
  return new ConnectError(message, code);
}
