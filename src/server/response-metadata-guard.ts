import * as http from "node:http";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/*
 * Headers and trailers that interceptors or implementations set are checked before any of them is
 * written. Node refuses some only when it writes them, and for HTTP/2 trailers that happens in an
 * event handler (the stream's "wantTrailers"), where the throw cannot be caught and ends the
 * process: a call that set `connection` as a trailer took keygate down (issue 12). Here such a call
 * fails with Internal instead, and the fault is reported once.
 */

/** Fields HTTP/2 forbids (RFC 9113 §8.2.2); Node throws on them. `te` is allowed as "trailers" only. */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/**
 * Outermost interceptor: a response or error carrying metadata that cannot be written fails as
 * Internal, without those fields (the answer is written with the same header objects).
 */
export function responseMetadataGuard(onError: (error: unknown) => void): Interceptor {
  return (next) => async (req) => {
    let res;
    try {
      res = await next(req);
    } catch (error) {
      if (error instanceof ConnectError) refuseUnwritable([error.metadata], onError);
      throw error;
    }
    if (!req.stream) refuseUnwritable([res.header, res.trailer], onError);
    return res;
  };
}

function refuseUnwritable(fields: Headers[], onError: (error: unknown) => void): void {
  const problems = fields.flatMap(dropUnwritable);
  if (problems.length === 0) return;
  onError(new Error(`a call set response metadata that cannot be sent: ${problems.join("; ")}`));
  throw new ConnectError("internal error", Code.Internal);
}

/** Removes the fields Node would refuse to write, and says why each was refused. */
function dropUnwritable(headers: Headers): string[] {
  const problems = new Map<string, string>();
  headers.forEach((value, name) => {
    const problem = unwritableField(name, value);
    if (problem !== undefined) problems.set(name, problem);
  });
  for (const name of problems.keys()) headers.delete(name);
  return [...problems.values()];
}

/** Why Node would refuse to write this field, or undefined. */
export function unwritableField(name: string, value: string): string | undefined {
  if (CONNECTION_SPECIFIC.has(name) || (name === "te" && value !== "trailers")) return `"${name}" is connection-specific`;
  try {
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}
