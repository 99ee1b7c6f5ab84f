import { describe, expect, it } from "vitest";
import type { IncomingHttpHeaders } from "node:http2";
import { IncomingHeaders } from "../../src/server/connect-compat/incoming-headers.js";
import { forwardedHeaders } from "../../src/server/rest/forwarded-headers.js";

/** Node's header object of an HTTP/2 request, as the http2 module hands it over. */
const request = (): IncomingHttpHeaders => ({
  ":method": "POST",
  ":path": "/zitadel.management.v1.ManagementService/GetAppByID",
  ":authority": "localhost",
  ":scheme": "http",
  "content-type": "application/grpc",
  te: "trailers",
  authorization: "Bearer token",
  "x-zitadel-orgid": "123",
  "accept-language": "de, en;q=0.5",
  cookie: "a=1; b=2",
  "set-cookie": ["c=3", "d=4"],
});

/** The same headers filled into a plain Headers append by append: what IncomingHeaders must be indistinguishable from. */
const reference = (headers: IncomingHttpHeaders) => forwardedHeaders(headers, (name) => name);

describe("IncomingHeaders", () => {
  it("answers get and has as a filled Headers would, for every name, any case, unknown names and names that are none", () => {
    const names = ["authorization", "Authorization", "X-Zitadel-OrgId", "accept-language", "cookie", "set-cookie", "te", "missing", ":path", "bad name", ""];
    const lazy = new IncomingHeaders(request());
    const filled = reference(request());
    const outcome = (read: () => unknown) => {
      try {
        return { value: read() };
      } catch (error) {
        return { thrown: (error as Error).constructor.name };
      }
    };
    for (const name of names) {
      expect([name, outcome(() => lazy.get(name))]).toEqual([name, outcome(() => filled.get(name))]);
      expect([name, outcome(() => lazy.has(name))]).toEqual([name, outcome(() => filled.has(name))]);
    }
    expect(outcome(() => lazy.get(":path"))).toEqual({ thrown: "TypeError" });
  });

  it("lists what a filled Headers lists, in the same order, through every way of listing", () => {
    const filled = reference(request());
    expect([...new IncomingHeaders(request())]).toEqual([...filled]);
    expect([...new IncomingHeaders(request()).entries()]).toEqual([...filled.entries()]);
    expect([...new IncomingHeaders(request()).keys()]).toEqual([...filled.keys()]);
    expect([...new IncomingHeaders(request()).values()]).toEqual([...filled.values()]);
    expect(new IncomingHeaders(request()).getSetCookie()).toEqual(["c=3", "d=4"]);
    const seen: [string, string][] = [];
    new IncomingHeaders(request()).forEach((value, key) => seen.push([key, value]));
    expect(seen).toEqual([...filled]);
    expect([...new Headers(new IncomingHeaders(request()))]).toEqual([...filled]);
  });

  it("keeps every header when one is changed, and then reads the change", () => {
    const cases: [string, (h: Headers) => void][] = [
      ["set", (h) => h.set("authorization", "Bearer other")],
      ["append", (h) => h.append("accept-language", "fr")],
      ["delete", (h) => h.delete("x-zitadel-orgid")],
    ];
    for (const [, change] of cases) {
      const lazy = new IncomingHeaders(request());
      const filled = reference(request());
      change(lazy);
      change(filled);
      expect([...lazy]).toEqual([...filled]);
      expect(lazy.get("authorization")).toBe(filled.get("authorization"));
      expect(lazy.has("x-zitadel-orgid")).toBe(filled.has("x-zitadel-orgid"));
    }
  });

  it("does not change the object it reads from", () => {
    const headers = request();
    const lazy = new IncomingHeaders(headers);
    lazy.set("authorization", "Bearer other");
    lazy.delete("te");
    expect(headers).toEqual(request());
  });

  it("is a Headers", () => {
    expect(new IncomingHeaders(request())).toBeInstanceOf(Headers);
  });
});
