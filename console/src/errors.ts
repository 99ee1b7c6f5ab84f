import { Code, ConnectError } from "@connectrpc/connect";

/** What each status means for someone using the console. */
const meanings: Partial<Record<Code, string>> = {
  [Code.Unauthenticated]: "the token was not accepted: it is missing, invalid or expired",
  [Code.PermissionDenied]: "this token is not allowed to do that",
  [Code.NotFound]: "it does not exist, or not in this organization",
  [Code.AlreadyExists]: "something with that name already exists",
  [Code.InvalidArgument]: "the input is not valid",
  [Code.FailedPrecondition]: "that is not possible in its current state",
  [Code.ResourceExhausted]: "too many requests; try again in a moment",
  [Code.Unavailable]: "keygate cannot be reached",
  [Code.DeadlineExceeded]: "keygate took too long to answer",
  [Code.Unimplemented]: "keygate does not support this call",
  [Code.Internal]: "keygate failed; its logs tell why",
};

/** "PermissionDenied" → "Permission denied". */
function codeInWords(code: Code): string {
  const name = Code[code] ?? `Code ${code}`;
  return name.replace(/(?<=[a-z])(?=[A-Z])/g, " ").replace(/ [A-Z]/g, (s) => s.toLowerCase());
}

/** An error as a sentence: the status in words, what it means, and what the server said. */
export function describeError(error: unknown): string {
  const e = ConnectError.from(error);
  const meaning = meanings[e.code];
  const said = e.rawMessage === "" ? "" : ` (keygate said: ${e.rawMessage})`;
  return `${codeInWords(e.code)}${meaning === undefined ? "" : `: ${meaning}`}.${said}`;
}
