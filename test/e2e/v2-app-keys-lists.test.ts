/**
 * v2 ListApplicationKeys against a reference computed here: its filters (app, project, org, and
 * together), every sorting column both ways, pages; keys of another org never show, nor keys of an
 * app that is BASIC now (as v1's ListAppKeys).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import type { ApplicationKeySearchFilterSchema } from "../../src/gen/zitadel/application/v2/application_pb.js";
import { ApplicationService } from "../../src/gen/zitadel/application/v2/application_service_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { addOrgMemberUser } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { v2Transports } from "../support/v2-transports.js";

interface KeyRow {
  id: string;
  appId: string;
  projectId: string;
  orgId: string;
  creation: number;
  expiration: number;
}

type Filter = MessageInitShape<typeof ApplicationKeySearchFilterSchema>;

const keeps = ({ filter }: Filter, row: KeyRow): boolean =>
  filter?.case === "applicationIdFilter"
    ? row.appId === filter.value.applicationId
    : filter?.case === "projectIdFilter"
      ? row.projectId === filter.value.projectId
      : filter?.case === "organizationIdFilter" && row.orgId === filter.value.organizationId;

/** ApplicationKeysSorting's columns, by its numbers; TYPE is the same for every key (JSON), so id decides. */
const sortKeys: Array<[string, (r: KeyRow) => string | number]> = [
  ["id", (r) => r.id],
  ["project id", (r) => r.projectId],
  ["app id", (r) => r.appId],
  ["creation date", (r) => r.creation],
  ["org id", (r) => r.orgId],
  ["expiration", (r) => r.expiration],
  ["type", () => 1],
];

function reference(rows: KeyRow[], filters: Filter[], sortBy: number, asc: boolean, offset: number, limit: number) {
  const key = sortKeys[sortBy]![1];
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const matching = rows.filter((r) => filters.every((f) => keeps(f, r)));
  matching.sort((a, b) => (asc ? 1 : -1) * (cmp(key(a), key(b)) || cmp(a.id, b.id)));
  return { ids: matching.slice(offset, offset + limit).map((r) => r.id), total: matching.length };
}

describeEachBackend("v2 ListApplicationKeys: filters, sorting and pages against a reference", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let transports: ReturnType<typeof v2Transports>;
  let rows: KeyRow[];
  let ownerToken: string;
  let orgA: string;
  let apps: Array<{ projectId: string; appId: string }>;

  beforeAll(async () => {
    ({ keygate, admin } = await startAdminSession(backend));
    transports = v2Transports(keygate.url);
    orgA = (await admin.addOrg({ name: "keys-a" })).id;
    const adminA = managementClient(keygate.url, keygate.adminToken, orgA);
    ownerToken = (await addOrgMemberUser(adminA, "keys-owner", ["ORG_OWNER"])).token;
    const jwt = APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;
    apps = [];
    for (const name of ["keys-1", "keys-2"]) {
      const projectId = (await adminA.addProject({ name })).id;
      for (const app of ["a", "b"]) apps.push({ projectId, appId: (await adminA.addAPIApp({ projectId, name: `${name}-${app}`, authMethodType: jwt })).appId });
    }
    rows = [];
    // Expirations not in creation order, so that the two columns sort differently.
    for (const [i, days] of [40, 10, 30, 20, 50, 5].entries()) {
      const app = apps[i % apps.length]!;
      const expiration = new Date(Date.UTC(2031, 0, days));
      const key = await adminA.addAppKey({ ...app, type: KeyType.JSON, expirationDate: timestampFromDate(expiration) });
      const read = (await adminA.getAppKey({ ...app, keyId: key.id })).key!;
      rows.push({ id: key.id, ...app, orgId: orgA, creation: Number(read.details!.creationDate!.seconds) * 1000 + Math.floor(read.details!.creationDate!.nanos / 1e6), expiration: expiration.getTime() });
    }
    // A key whose app turns BASIC is hidden; another org's keys never show.
    const hiddenApp = (await adminA.addAPIApp({ projectId: apps[0]!.projectId, name: "turns-basic", authMethodType: jwt })).appId;
    await adminA.addAppKey({ projectId: apps[0]!.projectId, appId: hiddenApp, type: KeyType.JSON });
    await adminA.updateAPIAppConfig({ projectId: apps[0]!.projectId, appId: hiddenApp, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
    const adminB = managementClient(keygate.url, keygate.adminToken, (await admin.addOrg({ name: "keys-b" })).id);
    const pb = (await adminB.addProject({ name: "keys-b" })).id;
    const appB = (await adminB.addAPIApp({ projectId: pb, name: "b", authMethodType: jwt })).appId;
    await adminB.addAppKey({ projectId: pb, appId: appB, type: KeyType.JSON });
  }, 120_000);
  afterAll(async () => {
    transports?.close();
    await keygate?.dispose();
  });

  test("every filter, sorting column, direction and page as the reference has it", async () => {
    const client = createClient(ApplicationService, transports.make("Connect binary", ownerToken));
    const filterSets: Array<[string, Filter[]]> = [
      ["none", []],
      ["one app", [{ filter: { case: "applicationIdFilter", value: { applicationId: apps[1]!.appId } } }]],
      ["one project", [{ filter: { case: "projectIdFilter", value: { projectId: apps[2]!.projectId } } }]],
      ["the org", [{ filter: { case: "organizationIdFilter", value: { organizationId: orgA } } }]],
      ["project and app of another project", [{ filter: { case: "projectIdFilter", value: { projectId: apps[0]!.projectId } } }, { filter: { case: "applicationIdFilter", value: { applicationId: apps[3]!.appId } } }]],
    ];
    for (const [label, filters] of filterSets) {
      for (let sortBy = 0; sortBy < sortKeys.length; sortBy++) {
        for (const asc of [true, false]) {
          for (const [offset, limit] of [[0, 0], [2, 3]] as const) {
            const res = await client.listApplicationKeys({ filters, sortingColumn: sortBy, pagination: { asc, offset: BigInt(offset), limit } });
            const expected = reference(rows, filters, sortBy, asc, offset, limit || 100);
            const where = `${label}, by ${sortKeys[sortBy]![0]} ${asc ? "asc" : "desc"}, offset ${offset} limit ${limit}`;
            expect({ where, ids: res.keys.map((k) => k.keyId), total: res.pagination?.totalResult }).toEqual({ where, ids: expected.ids, total: BigInt(expected.total) });
          }
        }
      }
    }
  });
});
