import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { decodePageToken, encodePageToken } from "../../src/domain/page-token.js";
import { expectDomainError } from "./expect-domain-error.js";

describe("page tokens", () => {
  test("a token gives back the sort key it was made from, for its own list only", () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), (list, after) => {
        const token = encodePageToken(list, after);
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        expect(decodePageToken(list, token, after.length)).toEqual(after);
      }),
    );
  });

  test("a token of another list or filter is refused, naming page_token", () => {
    const token = encodePageToken('["apps","org1",""]', ["123"]);
    expectDomainError(() => decodePageToken('["apps","org2",""]', token, 1), "InvalidArgument", "KEYGATE-pgtk1", "invalid page_token: issued for another list or filter");
  });

  test("malformed tokens are InvalidArgument naming page_token, whatever their text", () => {
    const list = "list";
    const good = encodePageToken(list, ["42"]);
    const edited = `${Buffer.from(JSON.stringify([1, "x", ["43"]])).toString("base64url")}.${good.split(".")[1]}`;
    for (const bad of ["", "x", ".", "a.b.c", good.slice(0, -1), `${good}x`, edited, "x".repeat(5000), good.replace(".", "!")]) {
      if (bad === "") continue;
      expect(() => decodePageToken(list, bad, 1)).toThrow(/^invalid page_token: /);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        fc.pre(text !== good);
        try {
          decodePageToken(list, text, 1);
        } catch (error) {
          expect((error as { kind?: string }).kind).toBe("InvalidArgument");
          expect(String((error as Error).message)).toMatch(/^invalid page_token: /);
          return;
        }
        throw new Error(`accepted ${JSON.stringify(text)}`);
      }),
    );
  });

  test("a token whose key has another length than the list's is refused", () => {
    expect(() => decodePageToken("l", encodePageToken("l", ["a", "b"]), 1)).toThrow(/invalid page_token/);
  });
});
