import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { DomainError, type ErrorKind } from "../domain/errors.js";
import { ErrorDetailSchema } from "../gen/zitadel/message_pb.js";

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

/** A domain error as ZITADEL sends it: "<text> (<id>)" plus a zitadel.v1.ErrorDetail with both. */
export function toConnectError(error: DomainError): ConnectError {
  return new ConnectError(error.message, codes[error.kind], undefined, [
    { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { id: error.id, message: error.text }) },
  ]);
}

/**
 * Every error leaving a handler: domain errors keep their meaning, Connect errors pass as they are,
 * anything else is a fault of ours, reported to `onInternal` and answered without its details.
 */
export function toCallError(error: unknown, onInternal: (error: unknown) => void): ConnectError {
  if (error instanceof DomainError) return toConnectError(error);
  if (error instanceof ConnectError) return error;
  onInternal(error);
  return new ConnectError("internal error", Code.Internal);
}
