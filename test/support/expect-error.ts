import { expect } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../src/gen/zitadel/message_pb.js";

/** Expects `call` to fail with `code` and, when given, ZITADEL's message and error id. */
export async function expectError(call: Promise<unknown>, code: Code, message?: string, id?: string): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  expect(error).toBeDefined();
  expect(Code[error!.code]).toBe(Code[code]);
  if (message !== undefined) expect(error!.rawMessage).toBe(message);
  if (id !== undefined) expect(error!.findDetails(ErrorDetailSchema)[0]?.id).toBe(id);
}
