import { describe, expect, test } from "vitest";
import { create } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { validateRequest } from "../../src/api/validation/validate.js";
import { AddPersonalAccessTokenRequestSchema, AddProjectRequestSchema, ListAppChangesRequestSchema } from "../../src/gen/zitadel/management_pb.js";

/** The message validateRequest fails with, or undefined when the request passes. */
function violation(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return ConnectError.from(error).rawMessage;
  }
}

describe("values the database cannot hold are refused by field type", () => {
  test("strings: NUL anywhere, lone surrogates (which would be stored as U+FFFD)", () => {
    expect(violation(() => validateRequest(AddProjectRequestSchema, create(AddProjectRequestSchema, { name: "x\0" })))).toBe(
      "invalid AddProjectRequest.Name: value must not contain the NUL character",
    );
    expect(violation(() => validateRequest(AddProjectRequestSchema, create(AddProjectRequestSchema, { name: "x\udc00y" })))).toBe(
      "invalid AddProjectRequest.Name: value must be valid UTF-8",
    );
    expect(violation(() => validateRequest(AddProjectRequestSchema, create(AddProjectRequestSchema, { name: "ok \u{1f511} \ufffd" })))).toBeUndefined();
  });

  test("uint64 up to bigint's maximum", () => {
    const changes = (sequence: bigint) => create(ListAppChangesRequestSchema, { projectId: "1", appId: "2", query: { sequence } });
    expect(violation(() => validateRequest(ListAppChangesRequestSchema, changes(2n ** 63n - 1n)))).toBeUndefined();
    expect(violation(() => validateRequest(ListAppChangesRequestSchema, changes(2n ** 63n)))).toBe(
      "invalid ListAppChangesRequest.Query: embedded message failed validation | caused by: invalid ChangeQuery.Sequence: value must be less than or equal to 9223372036854775807",
    );
  });

  test("timestamps within 0001-01-01 and 9999-12-31, nanos within a second", () => {
    const pat = (seconds: bigint, nanos = 0) => create(AddPersonalAccessTokenRequestSchema, { userId: "1", expirationDate: { seconds, nanos } });
    const message = "invalid AddPersonalAccessTokenRequest.ExpirationDate: value must be a valid timestamp between 0001-01-01 and 9999-12-31";
    expect(violation(() => validateRequest(AddPersonalAccessTokenRequestSchema, pat(253_402_300_799n, 999_999_999)))).toBeUndefined();
    expect(violation(() => validateRequest(AddPersonalAccessTokenRequestSchema, pat(-62_135_596_800n)))).toBeUndefined();
    expect(violation(() => validateRequest(AddPersonalAccessTokenRequestSchema, pat(253_402_300_800n)))).toBe(message);
    expect(violation(() => validateRequest(AddPersonalAccessTokenRequestSchema, pat(-62_135_596_801n)))).toBe(message);
    expect(violation(() => validateRequest(AddPersonalAccessTokenRequestSchema, pat(0n, 1_000_000_000)))).toBe(message);
  });
});
