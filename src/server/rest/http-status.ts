import { Code } from "@connectrpc/connect";

/**
 * gRPC code → HTTP status, as grpc-gateway v2's HTTPStatusFromCode maps it
 * (ZITADEL's REST API answers with this table). It differs from Connect's own
 * mapping only in spirit, not in numbers, but REST clients of ZITADEL depend
 * on exactly these, so we own the table.
 */
const statusByCode: Readonly<Record<Code, number>> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

export function httpStatusFromCode(code: Code): number {
  return statusByCode[code] ?? 500;
}
