import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { create, toJsonString, type DescMessage, type DescMethod, type MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { startAdminSession, type AdminSession } from "../support/keygate-server.js";
import { encodingsOf, restRaw, rpcRaw, RPC_PROTOCOLS, type RawTarget } from "../support/raw-calls.js";

/*
 * Values the database cannot hold must be refused before they reach it, with InvalidArgument naming
 * the field, on every protocol: a NUL in any string (Postgres text and jsonb reject it), a lone
 * surrogate or bytes that are not UTF-8 (would be stored as U+FFFD), a uint64 past bigint, a
 * timestamp outside protobuf's range. Before, each of these answered Internal.
 */

const BIGINT_MAX = 2n ** 63n - 1n;
const m = ManagementService.method;

describeEachBackend("bad input is InvalidArgument naming the field", (backend) => {
  let session: AdminSession;
  let target: RawTarget;
  beforeAll(async () => {
    session = await startAdminSession(backend);
    target = { url: session.keygate.url, port: session.keygate.port, headers: { authorization: `Bearer ${session.keygate.adminToken}` } };
  });
  afterAll(() => session.keygate.dispose());

  /** The same request on gRPC, gRPC-Web and Connect (JSON): each is InvalidArgument with `message`. */
  async function expectEachRpc<M extends DescMessage>(method: DescMethod & { input: M }, init: MessageInitShape<M>, message: string): Promise<void> {
    const request = create(method.input, init);
    const bodies = encodingsOf(method.input, request, toJsonString(method.input, request));
    for (const protocol of RPC_PROTOCOLS) {
      const outcome = await rpcRaw(target, protocol, method, bodies[protocol]);
      expect({ protocol, code: Code[outcome.code], message: outcome.message }).toEqual({ protocol, code: "InvalidArgument", message });
    }
  }

  async function expectRest(method: string, path: string, body: string | Uint8Array | undefined, message: string): Promise<void> {
    const outcome = await restRaw(target, method, path, body);
    expect({ code: Code[outcome.code], httpStatus: outcome.httpStatus, message: outcome.message }).toEqual({ code: "InvalidArgument", httpStatus: 400, message });
  }

  describe("NUL characters", () => {
    test("in a name", async () => {
      const message = "invalid AddProjectRequest.Name: value must not contain the NUL character";
      await expectEachRpc(m.addProject, { name: "pay\0ments" }, message);
      await expectRest("POST", "/management/v1/projects", JSON.stringify({ name: "pay\0ments" }), message);
    });

    test("in an id, also as %00 in a REST path", async () => {
      await expectEachRpc(m.getProjectByID, { id: "1\0" }, "invalid GetProjectByIDRequest.Id: value must not contain the NUL character");
      await expectRest("GET", "/management/v1/projects/1%00", undefined, "invalid GetProjectByIDRequest.Id: value must not contain the NUL character");
      await expectRest("GET", "/management/v1/projects/1/apps/%00", undefined, "invalid GetAppByIDRequest.AppId: value must not contain the NUL character");
    });

    test("in a nested query and in a repeated field", async () => {
      await expectEachRpc(
        m.listProjects,
        { queries: [{ query: { case: "nameQuery", value: { name: "\0" } } }] },
        "invalid ListProjectsRequest.Queries[0]: embedded message failed validation | caused by: invalid ProjectQuery.NameQuery: embedded message failed validation | caused by: invalid ProjectNameQuery.Name: value must not contain the NUL character",
      );
      await expectEachRpc(m.addProjectMember, { projectId: "1", userId: "2", roles: ["PROJECT_OWNER", "\0"] }, "invalid AddProjectMemberRequest.Roles[1]: value must not contain the NUL character");
    });
  });

  describe("strings that are not UTF-8", () => {
    test("a lone surrogate escaped in JSON (Connect and REST), refused by protobuf-es's JSON reader", async () => {
      const message = "cannot decode field zitadel.management.v1.AddProjectRequest.name from JSON: expected string: invalid UTF8";
      const outcome = await rpcRaw(target, "connect", m.addProject, '{"name":"a\\ud800"}');
      expect([Code[outcome.code], outcome.message]).toEqual(["InvalidArgument", message]);
      const rest = await restRaw(target, "POST", "/management/v1/projects", '{"name":"a\\udc00b"}');
      expect([Code[rest.code], rest.httpStatus, rest.message]).toContain("InvalidArgument");
      expect(rest.message).toContain("AddProjectRequest.name");
    });

    test("bytes that are not UTF-8, in a binary message and in a JSON body", async () => {
      // AddProjectRequest { name (1): 0xff 0xfe }
      const binary = Uint8Array.of(0x0a, 2, 0xff, 0xfe);
      for (const protocol of RPC_PROTOCOLS) {
        const outcome = await rpcRaw(target, protocol, m.addProject, binary);
        expect({ protocol, code: Code[outcome.code] }).toEqual({ protocol, code: "InvalidArgument" });
      }
      const outcome = await restRaw(target, "POST", "/management/v1/projects", Buffer.concat([Buffer.from('{"name":"'), Buffer.of(0xff), Buffer.from('"}')]));
      expect([Code[outcome.code], outcome.httpStatus]).toEqual(["InvalidArgument", 400]);
    });

    test("invalid UTF-8 in a Connect JSON body, sent as bytes", async () => {
      const res = await fetch(`${target.url}/${ManagementService.typeName}/AddProject`, {
        method: "POST",
        headers: { ...target.headers, "content-type": "application/json" },
        body: Buffer.concat([Buffer.from('{"name":"'), Buffer.of(0xc3, 0x28), Buffer.from('"}')]),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("invalid_argument");
    });
  });

  describe("numbers outside their column's range", () => {
    test("an offset of 2^63 and more; 2^63 - 1 is a valid, empty page", async () => {
      const nested = "invalid ListProjectsRequest.Query: embedded message failed validation | caused by: invalid ListQuery.Offset: value must be less than or equal to 9223372036854775807";
      await expectEachRpc(m.listProjects, { query: { offset: BIGINT_MAX + 1n } }, nested);
      await expectEachRpc(m.listProjects, { query: { offset: 2n ** 64n - 1n } }, nested);
      await expectRest("POST", "/management/v1/projects/_search", JSON.stringify({ query: { offset: "9223372036854775808" } }), nested);

      const page = await session.admin.listProjects({ query: { offset: BIGINT_MAX } });
      expect(page.result).toEqual([]);
      expect(page.details?.totalResult).toBeGreaterThanOrEqual(0n);
    });

    test("a sequence of 2^63 in ListAppChanges, also as a REST query parameter", async () => {
      const message = "invalid ListAppChangesRequest.Query: embedded message failed validation | caused by: invalid ChangeQuery.Sequence: value must be less than or equal to 9223372036854775807";
      await expectEachRpc(m.listAppChanges, { projectId: "1", appId: "2", query: { sequence: BIGINT_MAX + 1n } }, message);
      await expectRest("POST", "/management/v1/projects/1/apps/2/changes/_search?query.sequence=9223372036854775808", "{}", message);
    });

    test("a timestamp outside 0001-01-01 to 9999-12-31", async () => {
      const message = "invalid AddPersonalAccessTokenRequest.ExpirationDate: value must be a valid timestamp between 0001-01-01 and 9999-12-31";
      for (const expirationDate of [{ seconds: 2n ** 62n }, { seconds: -(2n ** 62n) }, { seconds: 0n, nanos: -1 }]) {
        const request = create(m.addPersonalAccessToken.input, { userId: session.keygate.adminUserId, expirationDate });
        for (const protocol of ["grpc", "grpc-web"] as const) {
          const outcome = await rpcRaw(target, protocol, m.addPersonalAccessToken, encodingsOf(m.addPersonalAccessToken.input, request, "")[protocol]);
          expect({ protocol, code: Code[outcome.code], message: outcome.message }).toEqual({ protocol, code: "InvalidArgument", message });
        }
      }
    });
  });

  test("nothing of the refused requests was written", async () => {
    const names = (await session.admin.listProjects({})).result.map((p) => p.name);
    expect(names.filter((name) => name.startsWith("pay") || name.startsWith("a"))).toEqual([]);
  });
});
