/**
 * v2 and v2beta ListApplications against a reference computed here from v1's reads: every filter
 * (name with each text method, state, type, project, client id, and combinations), every sorting
 * column both ways, and pages of it. The caller is an org owner of A: org B's apps never show.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import type { ApplicationSearchFilterSchema as ZitadelFilterSchema } from "@zitadel/proto/zitadel/app/v2beta/app_pb.js";
import { AppService as ZitadelAppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { ApplicationState, ApplicationType } from "../../src/gen/zitadel/application/v2/application_pb.js";
import { ApplicationService } from "../../src/gen/zitadel/application/v2/application_service_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ApplicationSearchFilterSchema } from "../../src/gen/zitadel/application/v2/application_pb.js";
import { TextFilterMethod } from "../../src/gen/zitadel/filter/v2/filter_pb.js";
import { addOrgMemberUser } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { v2Transports } from "../support/v2-transports.js";

interface Row {
  id: string;
  projectId: string;
  name: string;
  state: number;
  clientId: string;
  creation: number;
  change: number;
}

type Filter = MessageInitShape<typeof ApplicationSearchFilterSchema>;

/** Names whose order is the same in every collation: upper-case first letters come before all lower-case ones. */
const P1_APPS = ["Alpha-api", "Bravo_api", "charlie", "delta%x", "echo", "foxtrot-API", "golf", "hotel"];
const P2_APPS = ["india", "juliett", "kilo"];

const textMatch: Record<number, (value: string, wanted: string) => boolean> = {
  [TextFilterMethod.EQUALS]: (v, w) => v === w,
  [TextFilterMethod.EQUALS_IGNORE_CASE]: (v, w) => v.toLowerCase() === w.toLowerCase(),
  [TextFilterMethod.STARTS_WITH]: (v, w) => v.startsWith(w),
  [TextFilterMethod.STARTS_WITH_IGNORE_CASE]: (v, w) => v.toLowerCase().startsWith(w.toLowerCase()),
  [TextFilterMethod.CONTAINS]: (v, w) => v.includes(w),
  [TextFilterMethod.CONTAINS_IGNORE_CASE]: (v, w) => v.toLowerCase().includes(w.toLowerCase()),
  [TextFilterMethod.ENDS_WITH]: (v, w) => v.endsWith(w),
  [TextFilterMethod.ENDS_WITH_IGNORE_CASE]: (v, w) => v.toLowerCase().endsWith(w.toLowerCase()),
};

/** The reference: what a filter keeps of the rows. */
function keeps(filter: Filter["filter"], row: Row): boolean {
  switch (filter?.case) {
    case "projectIdFilter":
      return row.projectId === filter.value.projectId;
    case "nameFilter":
      return textMatch[filter.value.method ?? 0]!(row.name, filter.value.name ?? "");
    case "stateFilter":
      return row.state === filter.value;
    case "typeFilter":
      return filter.value === ApplicationType.API;
    case "clientIdFilter":
      return row.clientId === filter.value.clientId;
    default:
      return false;
  }
}

const sortKeys: Array<[string, (r: Row) => string | number]> = [
  ["id", (r) => r.id],
  ["name", (r) => r.name],
  ["state", (r) => r.state],
  ["creation date", (r) => r.creation],
  ["change date", (r) => r.change],
];

/** Ordered by the column, then by id, descending unless asc; then the page. */
function reference(rows: Row[], filters: Filter[], sortBy: number, asc: boolean, offset: number, limit: number): { ids: string[]; total: number } {
  const key = sortKeys[sortBy]![1];
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const matching = rows.filter((r) => filters.every((f) => keeps(f.filter, r)));
  const sorted = matching.sort((a, b) => (asc ? 1 : -1) * (cmp(key(a), key(b)) || cmp(a.id, b.id)));
  return { ids: sorted.slice(offset, offset + limit).map((r) => r.id), total: matching.length };
}

describeEachBackend("v2 and v2beta lists: filters, sorting and pages against a reference", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let transports: ReturnType<typeof v2Transports>;
  let rows: Row[];
  let p1: string;
  let p2: string;
  let ownerToken: string;

  beforeAll(async () => {
    ({ keygate, admin } = await startAdminSession(backend));
    transports = v2Transports(keygate.url);
    const orgA = (await admin.addOrg({ name: "lists-a" })).id;
    const adminA = managementClient(keygate.url, keygate.adminToken, orgA);
    ownerToken = (await addOrgMemberUser(adminA, "lists-owner", ["ORG_OWNER"])).token;
    p1 = (await adminA.addProject({ name: "lists-1" })).id;
    p2 = (await adminA.addProject({ name: "lists-2" })).id;
    const ids = new Map<string, { projectId: string; appId: string }>();
    for (const [projectId, names] of [[p1, P1_APPS], [p2, P2_APPS]] as const) {
      for (const [i, name] of names.entries()) {
        const authMethodType = i % 3 === 0 ? APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT : APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;
        ids.set(name, { projectId, appId: (await adminA.addAPIApp({ projectId, name, authMethodType })).appId });
      }
    }
    for (const name of ["charlie", "golf", "juliett"]) await adminA.deactivateApp(ids.get(name)!);
    // A later change, so that change-date order is not creation order.
    await adminA.updateApp({ ...ids.get("Bravo_api")!, name: "Bravo_api" + "-v2" });
    // Org B's apps, which A's owner must never see.
    const adminB = managementClient(keygate.url, keygate.adminToken, (await admin.addOrg({ name: "lists-b" })).id);
    const pb = (await adminB.addProject({ name: "lists-b" })).id;
    for (const name of ["Alpha-api", "echo"]) await adminB.addAPIApp({ projectId: pb, name });

    rows = [];
    for (const { projectId, appId } of ids.values()) {
      const app = (await adminA.getAppByID({ projectId, appId })).app!;
      rows.push({
        id: app.id,
        projectId,
        name: app.name,
        state: app.state,
        clientId: app.config.case === "apiConfig" ? app.config.value.clientId : "",
        creation: timestampDate(app.details!.creationDate!).getTime(),
        change: timestampDate(app.details!.changeDate!).getTime(),
      });
    }
  });
  afterAll(async () => {
    transports?.close();
    await keygate?.dispose();
  });

  const name = (method: TextFilterMethod, value: string): Filter => ({ filter: { case: "nameFilter", value: { name: value, method } } });
  const filterSets = (): Array<[string, Filter[]]> => [
    ["none", []],
    ["project 1", [{ filter: { case: "projectIdFilter", value: { projectId: p1 } } }]],
    ["name equals", [name(TextFilterMethod.EQUALS, "echo")]],
    ["name equals, ignoring case", [name(TextFilterMethod.EQUALS_IGNORE_CASE, "ALPHA-API")]],
    ["name starts with", [name(TextFilterMethod.STARTS_WITH, "Br")]],
    ["name starts with, ignoring case", [name(TextFilterMethod.STARTS_WITH_IGNORE_CASE, "br")]],
    ["name contains (a LIKE wildcard, literally)", [name(TextFilterMethod.CONTAINS, "ta%")]],
    ["name contains, ignoring case", [name(TextFilterMethod.CONTAINS_IGNORE_CASE, "API")]],
    ["name ends with", [name(TextFilterMethod.ENDS_WITH, "o")]],
    ["name ends with, ignoring case", [name(TextFilterMethod.ENDS_WITH_IGNORE_CASE, "Api-V2")]],
    ["state active", [{ filter: { case: "stateFilter", value: ApplicationState.ACTIVE } }]],
    ["state inactive", [{ filter: { case: "stateFilter", value: ApplicationState.INACTIVE } }]],
    ["type API", [{ filter: { case: "typeFilter", value: ApplicationType.API } }]],
    ["type OIDC", [{ filter: { case: "typeFilter", value: ApplicationType.OIDC } }]],
    ["client id", [{ filter: { case: "clientIdFilter", value: { clientId: rows.find((r) => r.name === "golf")!.clientId } } }]],
    ["project 2 and active", [{ filter: { case: "projectIdFilter", value: { projectId: p2 } } }, { filter: { case: "stateFilter", value: ApplicationState.ACTIVE } }]],
  ];

  test("v2: every filter, sorting column, direction and page as the reference has it", async () => {
    const client = createClient(ApplicationService, transports.make("Connect JSON", ownerToken));
    for (const [label, filters] of filterSets()) {
      for (let sortBy = 0; sortBy < sortKeys.length; sortBy++) {
        for (const asc of [true, false]) {
          for (const [offset, limit] of [[0, 0], [1, 3]] as const) {
            const res = await client.listApplications({ filters, sortingColumn: sortBy, pagination: { asc, offset: BigInt(offset), limit } });
            const expected = reference(rows, filters, sortBy, asc, offset, limit || 100);
            const where = `${label}, by ${sortKeys[sortBy]![0]} ${asc ? "asc" : "desc"}, offset ${offset} limit ${limit}`;
            expect({ where, ids: res.applications.map((a) => a.applicationId), total: res.pagination?.totalResult }).toEqual({
              where,
              ids: expected.ids,
              total: BigInt(expected.total),
            });
            expect(res.pagination?.appliedLimit).toBe(BigInt(limit || 100));
          }
        }
      }
    }
  });

  test("v2beta (@zitadel/proto's client): its filters within the project it names, sorted and paged", async () => {
    const client = createClient(ZitadelAppService, transports.make("gRPC", ownerToken));
    // Each v2beta filter, with the v2 filter the reference applies for it.
    const betaFilters: Array<[string, MessageInitShape<typeof ZitadelFilterSchema> | undefined, Filter[]]> = [
      ["none", undefined, []],
      ["name contains, ignoring case", { filter: { case: "nameFilter", value: { name: "api", method: 5 } } }, [name(TextFilterMethod.CONTAINS_IGNORE_CASE, "api")]],
      ["state inactive", { filter: { case: "stateFilter", value: 2 } }, [{ filter: { case: "stateFilter", value: ApplicationState.INACTIVE } }]],
      ["API apps only", { filter: { case: "apiAppOnly", value: true } }, []],
      ["SAML apps only", { filter: { case: "samlAppOnly", value: true } }, [{ filter: { case: "typeFilter", value: ApplicationType.SAML } }]],
    ];
    for (const [label, filter, equivalent] of betaFilters) {
      for (let sortBy = 0; sortBy < sortKeys.length; sortBy++) {
        for (const asc of [true, false]) {
          const res = await client.listApplications({ projectId: p1, filters: filter ? [filter] : [], sortingColumn: sortBy, pagination: { asc, offset: 1n, limit: 4 } });
          const expected = reference(rows, [{ filter: { case: "projectIdFilter", value: { projectId: p1 } } }, ...equivalent], sortBy, asc, 1, 4);
          const where = `${label}, by ${sortKeys[sortBy]![0]} ${asc ? "asc" : "desc"}`;
          expect({ where, ids: res.applications.map((a) => a.id), total: res.pagination?.totalResult }).toEqual({ where, ids: expected.ids, total: BigInt(expected.total) });
        }
      }
    }
  });

  test("a limit over 1000 is refused; a caller without read permission anywhere lists nothing", async () => {
    const client = createClient(ApplicationService, transports.make("Connect JSON", ownerToken));
    await expect(client.listApplications({ pagination: { limit: 1001 } })).rejects.toMatchObject({ rawMessage: "Limit exceeded (QUERY-4M0fs)" });
    const orgC = (await admin.addOrg({ name: "lists-c" })).id;
    const creator = await addOrgMemberUser(managementClient(keygate.url, keygate.adminToken, orgC), "creator", ["ORG_PROJECT_CREATOR"]);
    const res = await createClient(ApplicationService, transports.make("Connect JSON", creator.token)).listApplications({});
    expect([res.applications, res.pagination?.totalResult]).toEqual([[], 0n]);
  });
});
