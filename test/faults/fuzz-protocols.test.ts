import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fromJson, toBinary, type DescMethod, type JsonObject } from "@bufbuild/protobuf";
import fc from "fast-check";
import { KEYGATE_SERVICES } from "../../src/api/keygate/keygate-services.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { spawnKeygate, type KeygateProcess } from "../support/keygate-process.js";
import { restRaw, rpcRaw, type RawOutcome, type RawTarget } from "../support/raw-calls.js";

/*
 * Hostile input on every protocol (issue 12), to ManagementService and keygate.v1's services: random field values (NULs, lone surrogates, huge and
 * negative numbers, wrong types), random bytes as messages, random REST paths and header values,
 * sent to keygate as a process with the admin's token so that validation and the database are
 * reached. Nothing may answer Internal (13, HTTP 500), and the process must outlive it all.
 */

const INTERNAL = 13;
const methods = [ManagementService, ...KEYGATE_SERVICES.map((entry) => entry.service)].flatMap((service) =>
  service.methods.filter((m): m is DescMethod & { methodKind: "unary" } => m.methodKind === "unary"),
);

const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\0", "a\0b", "\ud800", "9223372036854775808", "18446744073709551615", "-1", "%00", "../..", ""),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ unit: "binary", maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: "binary", maxLength: 8 }), { maxKeys: 3 }),
);

/** A JSON request for `method`: each of its fields left out or given something nasty. */
const requestOf = (method: DescMethod) =>
  fc.record(Object.fromEntries(method.input.fields.map((f) => [f.jsonName, nasty])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;

const call = fc.oneof(
  fc.constantFrom(...methods).chain((method) =>
    fc.record({
      kind: fc.constant("rpc" as const),
      method: fc.constant(method),
      protocol: fc.constantFrom("grpc" as const, "grpc-web" as const, "connect" as const),
      json: requestOf(method),
      bytes: fc.option(fc.uint8Array({ maxLength: 64 })),
    }),
  ),
  fc.record({
    kind: fc.constant("rest" as const),
    prefix: fc.constantFrom("/management/v1/", "/keygate/v1/"),
    verb: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
    path: fc.array(fc.oneof(fc.webSegment(), fc.constantFrom("projects", "apps", "users", "members", "_search", "%00", "%ff", "%ED%A0%80", "9223372036854775808")), { minLength: 1, maxLength: 6 }),
    query: fc.option(fc.webQueryParameters()),
    body: fc.option(fc.oneof(fc.json(), fc.string({ unit: "binary", maxLength: 40 }))),
  }),
);

const header = fc.option(fc.string({ unit: "grapheme-ascii", maxLength: 30 }).filter((v) => /^[\t\x20-\x7e]*$/.test(v)));

describe("fuzzed requests on all four protocols", () => {
  const token = randomBytes(32).toString("base64url");
  let keygate: KeygateProcess;
  let port: number;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "keygate-faults-"));
    keygate = spawnKeygate({ KEYGATE_DATA_DIR: dataDir, KEYGATE_ADMIN_TOKEN: token, KEYGATE_LOG_LEVEL: "info" });
    port = await keygate.listening();
  });
  afterAll(async () => {
    await keygate?.stop("SIGKILL");
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("never answer Internal and never end the process", async () => {
    await fc.assert(
      fc.asyncProperty(call, header, async (c, orgId) => {
        const target: RawTarget = { url: `http://127.0.0.1:${port}`, port, headers: { authorization: `Bearer ${token}`, ...(orgId ? { "x-zitadel-orgid": orgId } : {}) } };
        let outcome: RawOutcome;
        if (c.kind === "rest") {
          const path = `${c.prefix}${c.path.join("/")}${c.query ? `?${c.query}` : ""}`;
          // fetch sends no body with GET.
          const body = c.body === null || c.verb === "GET" ? undefined : typeof c.body === "string" ? c.body : JSON.stringify(c.body);
          outcome = await restRaw(target, c.verb, path, body);
        } else {
          const json = JSON.stringify(c.json);
          let binary: Uint8Array = c.bytes ?? new Uint8Array(0);
          if (c.bytes === null) {
            try {
              binary = toBinary(c.method.input, fromJson(c.method.input, c.json as JsonObject, { ignoreUnknownFields: true }));
            } catch {
              binary = Buffer.from(json);
            }
          }
          outcome = await rpcRaw(target, c.protocol, c.method, c.protocol === "connect" && c.bytes === null ? json : binary);
        }
        expect({ code: outcome.code, httpStatus: outcome.httpStatus, message: outcome.message }).not.toMatchObject({ code: INTERNAL });
        expect(outcome.httpStatus).not.toBe(500);
      }),
      { numRuns: 400 },
    );
    expect(keygate.child.exitCode).toBeNull();
    expect(keygate.lines.filter((line) => line.msg === "internal error" || line.msg === "call failed")).toEqual([]);
  });
});
