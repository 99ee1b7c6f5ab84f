import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { describeEachBackend } from "../support/backends.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { RestFailure, v2betaProjects, v2betaRestProjects, v2Projects, type Paging, type ProjectsApi, type ReadProject, type ReadRole, type TextFilter } from "../support/v2-projects-api.js";
import { v2Transports } from "../support/v2-transports.js";

/** TextFilterMethod evaluated in the test, as the reference for the server's filters. */
function matches(value: string, [query, method]: TextFilter): boolean {
  const [v, q] = method % 2 === 1 ? [value.toLowerCase(), query.toLowerCase()] : [value, query];
  if (method <= 1) return v === q;
  if (method <= 3) return v.startsWith(q);
  if (method <= 5) return v.includes(q);
  return v.endsWith(q);
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** A list's reference order: by the column, then by the tiebreaker, descending unless asc. */
function ordered<T>(items: T[], column: (item: T) => string | number, tiebreak: (item: T) => string, asc: boolean): T[] {
  const sorted = [...items].sort((a, b) => compare(column(a), column(b)) || compare(tiebreak(a), tiebreak(b)));
  return asc ? sorted : sorted.reverse();
}

const TEXT_FILTERS: TextFilter[] = [
  ["alpha", 0],
  ["ALPHA", 1],
  ["al", 2],
  ["AL", 3],
  ["_", 4],
  ["%", 4],
  ["ET", 5],
  ["a", 6],
  ["A", 7],
];

describeEachBackend("v2 and v2beta lists: ZITADEL's filters, sorting columns and paging against a reference", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let listOrg: string;
  let transports: ReturnType<typeof v2Transports>;
  let projects: ReadProject[];
  let roleProject: string;
  let roles: ReadRole[];

  beforeAll(async () => {
    ({ keygate, admin } = await startAdminSession(backend));
    transports = v2Transports(keygate.url);
    listOrg = (await admin.addOrg({ name: "v2-lists" })).id;
    const v2 = v2Projects(transports.make("Connect JSON", keygate.adminToken));
    const names = ["alpha", "Alpine", "beta", "gamma_1", "gamma%2", "delta", "Epsilon", "zeta", "eta"];
    for (const [i, name] of names.entries()) {
      const { id } = await v2.create(listOrg, { ...(i % 3 === 0 ? { id: `chosen-${name}` } : {}), name });
      // Every other project changes later, so that change dates order differently from creation dates.
      if (i % 2 === 1) await v2.update(id, { projectRoleAssertion: true });
    }
    await v2.update(`chosen-alpha`, { authorizationRequired: true });
    projects = (await v2.list([{ org: listOrg }], { limit: 100 })).items;
    expect(projects).toHaveLength(names.length);

    roleProject = projects[0]!.id;
    const keys = ["alpha", "Alpine", "beta", "gamma_1", "gamma%2", "delta", "Epsilon", "zeta"];
    for (const [i, key] of keys.entries()) await v2.addRole(roleProject, { key, displayName: `${i % 2 === 0 ? "Reader" : "Writer"} ${key.toUpperCase()}`, group: "g" });
    await v2.updateRole(roleProject, "beta", { group: "changed" });
    await v2.updateRole(roleProject, "alpha", { group: "changed" });
    roles = (await v2.listRoles(roleProject, {}, { limit: 100 })).items;
    expect(roles).toHaveLength(keys.length);
  });
  afterAll(async () => {
    transports?.close();
    await keygate?.dispose();
  });

  const apis: Array<[string, () => ProjectsApi]> = [
    ["v2 over Connect", () => v2Projects(transports.make("Connect JSON", keygate.adminToken))],
    ["v2beta over gRPC-Web", () => v2betaProjects(transports.make("gRPC-Web", keygate.adminToken))],
    ["v2beta over REST", () => v2betaRestProjects(keygate.url, keygate.adminToken)],
  ];

  const projectColumns: Array<[number, string, (p: ReadProject) => string | number]> = [
    [0, "unspecified (creation date)", (p) => p.creationDate.getTime()],
    [1, "id", (p) => p.id],
    [2, "creation date", (p) => p.creationDate.getTime()],
    [3, "change date", (p) => p.changeDate.getTime()],
    [4, "name", (p) => p.name],
  ];

  describe.each(apis)("%s", (_name, makeApi) => {
    test("ListProjects: name filters of every text method, ids and org filters (ANDed)", async () => {
      const api = makeApi();
      for (const filter of TEXT_FILTERS) {
        const expected = projects.filter((p) => matches(p.name, filter)).map((p) => p.id).sort();
        const res = await api.list([{ org: listOrg }, { name: filter }], { limit: 100 });
        expect({ filter, ids: res.items.map((p) => p.id).sort() }).toEqual({ filter, ids: expected });
        expect(res.total).toBe(BigInt(expected.length));
      }
      const some = [projects[1]!.id, projects[4]!.id, "no-such-project"];
      expect((await api.list([{ ids: some }], { sort: 1, asc: true })).items.map((p) => p.id)).toEqual(some.slice(0, 2).sort());
      expect((await api.list([{ ids: some }, { org: "another-org" }])).items).toEqual([]);
    });

    test("ListProjects: every sorting column, both directions, and paging", async () => {
      const api = makeApi();
      for (const [column, label, value] of projectColumns) {
        for (const asc of [true, false]) {
          const paging: Paging = { ...(column === 0 ? {} : { sort: column }), asc, limit: 100 };
          const expected = ordered(projects, value, (p) => p.id, asc).map((p) => p.id);
          expect({ label, asc, ids: (await api.list([{ org: listOrg }], paging)).items.map((p) => p.id) }).toEqual({ label, asc, ids: expected });
        }
      }
      const byName = ordered(projects, (p) => p.name, (p) => p.id, true);
      const page = await api.list([{ org: listOrg }], { sort: 4, asc: true, offset: 2, limit: 3 });
      expect(page.items).toEqual(byName.slice(2, 5));
      expect(page).toMatchObject({ total: BigInt(projects.length), appliedLimit: 3n });
      expect((await api.list([{ org: listOrg }])).appliedLimit).toBe(100n);
    });

    test("ListProjectRoles: every sorting column, both directions, and paging", async () => {
      const api = makeApi();
      const roleColumns: Array<[number | undefined, (r: ReadRole) => string | number]> = [
        [undefined, (r) => r.creationDate.getTime()],
        [1, (r) => r.key],
        [2, (r) => r.creationDate.getTime()],
        [3, (r) => r.changeDate.getTime()],
      ];
      for (const [column, value] of roleColumns) {
        for (const asc of [true, false]) {
          const expected = ordered(roles, value, (r) => r.key, asc).map((r) => r.key);
          const res = await api.listRoles(roleProject, undefined, { ...(column === undefined ? {} : { sort: column }), asc, limit: 100 });
          expect({ column, asc, keys: res.items.map((r) => r.key) }).toEqual({ column, asc, keys: expected });
        }
      }
      const page = await api.listRoles(roleProject, undefined, { sort: 1, asc: false, offset: 1, limit: 2 });
      expect(page.items).toEqual(ordered(roles, (r) => r.key, (r) => r.key, false).slice(1, 3));
      expect(page).toMatchObject({ total: BigInt(roles.length), appliedLimit: 2n });
    });
  });

  test.each(apis.slice(0, 2))("ListProjectRoles over %s: key and display-name filters of every text method (ANDed)", async (_name, makeApi) => {
    const api = makeApi();
    for (const filter of TEXT_FILTERS) {
      for (const field of ["key", "displayName"] as const) {
        const expected = roles.filter((r) => matches(r[field], filter)).map((r) => r.key).sort();
        const res = await api.listRoles(roleProject, { [field]: filter }, { sort: 1, asc: true });
        expect({ field, filter, keys: res.items.map((r) => r.key) }).toEqual({ field, filter, keys: expected });
        expect(res.total).toBe(BigInt(expected.length));
      }
    }
    const both = await api.listRoles(roleProject, { key: ["a", 6], displayName: ["reader", 3] }, { sort: 1, asc: true });
    expect(both.items.map((r) => r.key)).toEqual(roles.filter((r) => r.key.endsWith("a") && r.displayName.startsWith("Reader")).map((r) => r.key).sort());
  });
});

describeEachBackend("v2 and v2beta projects: tenant isolation and permissions of every RPC", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgA: string;
  let orgB: string;
  let transports: ReturnType<typeof v2Transports>;
  let theirProject: string;
  let ownProject: string;
  let otherOwnProject: string;
  const theirRole = "their-role";
  const tokens: Record<string, string> = {};

  async function memberToken(client: ManagementClient, roles: string[], projectId?: string): Promise<string> {
    const userName = `member-${Math.random().toString(36).slice(2)}`;
    const { userId } = await client.addMachineUser({ userName, name: userName });
    if (projectId === undefined) await client.addOrgMember({ userId, roles });
    else await client.addProjectMember({ projectId, userId, roles });
    return (await client.addPersonalAccessToken({ userId })).token;
  }

  beforeAll(async () => {
    let own: ManagementClient;
    ({ keygate, admin, orgId: orgA } = await startAdminSession(backend));
    transports = v2Transports(keygate.url);
    own = admin;
    orgB = (await admin.addOrg({ name: "v2-victim" })).id;
    const theirs = managementClient(keygate.url, keygate.adminToken, orgB);
    theirProject = (await theirs.addProject({ name: "their-project" })).id;
    await theirs.addProjectRole({ projectId: theirProject, roleKey: theirRole, displayName: "Theirs" });
    ownProject = (await own.addProject({ name: "own-project" })).id;
    otherOwnProject = (await own.addProject({ name: "other-own-project" })).id;
    tokens.orgOwnerA = await memberToken(own, ["ORG_OWNER"]);
    tokens.projectOwner = await memberToken(own, ["PROJECT_OWNER"], ownProject);
    tokens.projectViewer = await memberToken(own, ["PROJECT_OWNER_VIEWER"], ownProject);
    tokens.creator = await memberToken(own, ["ORG_PROJECT_CREATOR"]);
    tokens.orgOwnerB = await memberToken(theirs, ["ORG_OWNER"]);
  });
  afterAll(async () => {
    transports?.close();
    await keygate?.dispose();
  });

  const theirEvents = () => keygate.store.db.selectFrom("events2").selectAll().where("owner", "=", orgB).orderBy("aggregate_id").orderBy("sequence").execute();

  async function outcome(call: Promise<unknown>): Promise<{ code: string; answer: unknown }> {
    try {
      return { code: "OK", answer: await call };
    } catch (error) {
      return { code: Code[error instanceof RestFailure ? error.body.code : ConnectError.from(error).code], answer: error instanceof RestFailure ? error.body : ConnectError.from(error).rawMessage };
    }
  }

  const apis = (token: string): Array<[string, ProjectsApi]> => [
    ["v2 over gRPC", v2Projects(transports.make("gRPC", token))],
    ["v2beta over Connect", v2betaProjects(transports.make("Connect JSON", token))],
    ["v2beta over REST", v2betaRestProjects(keygate.url, token)],
  ];

  /** Every RPC, aimed at org B's project, and the answer ZITADEL gives to a caller with no part in org B. */
  const attacks: Array<[string, string, (api: ProjectsApi) => Promise<unknown>]> = [
    ["CreateProject in org B", "NotFound", (api) => api.create(orgB, { name: "planted" })],
    ["GetProject", "NotFound", (api) => api.get(theirProject)],
    ["UpdateProject", "NotFound", (api) => api.update(theirProject, { name: "hijacked" })],
    ["DeactivateProject", "NotFound", (api) => api.deactivate(theirProject)],
    ["ActivateProject", "NotFound", (api) => api.activate(theirProject)],
    ["DeleteProject", "NotFound", (api) => api.remove(theirProject)],
    ["AddProjectRole", "FailedPrecondition", (api) => api.addRole(theirProject, { key: "planted", displayName: "x" })],
    ["UpdateProjectRole", "FailedPrecondition", (api) => api.updateRole(theirProject, theirRole, { displayName: "hijacked" })],
    ["RemoveProjectRole", "NotFound", (api) => api.removeRole(theirProject, theirRole)],
  ];

  // Ids are unique in the instance (as ZITADEL's): taking B's project id tells only that it is taken, to a caller who may create at all.
  test.each([
    ["ORG_OWNER of A", "orgOwnerA", "AlreadyExists"],
    ["PROJECT_OWNER in A", "projectOwner", "PermissionDenied"],
  ])("%s: every RPC on org B's project is refused as if it did not exist; lists show none of it", async (_label, who, takenIdAnswer) => {
    const before = await theirEvents();
    const problems: string[] = [];
    const takeTheirId: (typeof attacks)[number] = ["CreateProject with B's project id", takenIdAnswer, (api) => api.create(orgA, { id: theirProject, name: "collide" })];
    for (const [name, api] of apis(tokens[who]!)) {
      for (const [rpc, expected, call] of [...attacks, takeTheirId]) {
        const { code, answer } = await outcome(call(api));
        if (code !== expected) problems.push(`${name} ${rpc}: ${code} ${JSON.stringify(answer)}, expected ${expected}`);
        if (JSON.stringify(answer ?? "").includes(orgB)) problems.push(`${name} ${rpc}: answer names org B`);
      }
      const roles = await api.listRoles(theirProject);
      if (roles.items.length > 0 || roles.total !== 0n) problems.push(`${name} ListProjectRoles: B's roles listed`);
      for (const filters of [[{ ids: [theirProject] }], [{ org: orgB }], []]) {
        const listed = await api.list(filters);
        if (listed.items.some((p) => p.orgId === orgB)) problems.push(`${name} ListProjects ${JSON.stringify(filters)}: B's project listed`);
      }
    }
    expect(problems).toEqual([]);
    expect(await theirEvents()).toEqual(before);
  });

  test("controls: B's own ORG_OWNER and the instance's IAM_OWNER reach B's project over v2 without any org header", async () => {
    for (const token of [tokens.orgOwnerB!, keygate.adminToken]) {
      for (const [, api] of apis(token)) {
        expect((await api.get(theirProject)).orgId).toBe(orgB);
        expect((await api.listRoles(theirProject)).items.map((r) => r.key)).toEqual([theirRole]);
        expect((await api.list([{ ids: [theirProject] }])).items.map((p) => p.id)).toEqual([theirProject]);
      }
    }
  });

  test("permissions in the project's org: project roles act on their project only, viewers read only, creators create", async () => {
    const [, owner] = apis(tokens.projectOwner!)[0]!;
    await owner.addRole(ownProject, { key: "by-owner", displayName: "O" });
    await owner.update(ownProject, { projectRoleAssertion: true });
    expect(await outcome(owner.update(otherOwnProject, { name: "x" }))).toMatchObject({ code: "PermissionDenied" });
    expect(await outcome(owner.addRole(otherOwnProject, { key: "x", displayName: "x" }))).toMatchObject({ code: "PermissionDenied" });
    expect(await outcome(owner.create(orgA, { name: "by-project-owner" }))).toMatchObject({ code: "PermissionDenied" });
    expect((await owner.list([])).items.map((p) => p.id)).toEqual([ownProject]);

    for (const [name, viewer] of apis(tokens.projectViewer!)) {
      expect({ name, id: (await viewer.get(ownProject)).id }).toEqual({ name, id: ownProject });
      expect((await viewer.listRoles(ownProject)).items.map((r) => r.key)).toEqual(["by-owner"]);
      for (const call of [() => viewer.addRole(ownProject, { key: "v", displayName: "v" }), () => viewer.removeRole(ownProject, "by-owner"), () => viewer.update(ownProject, { name: "v" }), () => viewer.remove(ownProject)]) {
        expect({ name, ...(await outcome(call())) }).toMatchObject({ name, code: "PermissionDenied" });
      }
      expect({ name, ...(await outcome(viewer.get(otherOwnProject))) }).toMatchObject({ name, code: "PermissionDenied" });
    }

    const [, creator] = apis(tokens.creator!)[0]!;
    const { id } = await creator.create(orgA, { name: "by-creator" });
    expect((await admin.getProjectByID({ id })).project?.name).toBe("by-creator");
    expect(await outcome(creator.get(id))).toMatchObject({ code: "PermissionDenied" });
    // A member of the project's org without project.role.read is refused, not answered an empty list.
    expect(await outcome(creator.listRoles(ownProject))).toMatchObject({ code: "PermissionDenied" });
    expect((await creator.list([])).items).toEqual([]);
    // Projects granted to an org: keygate has no grants, so the filter matches nothing.
    for (const [name, orgOwner] of apis(tokens.orgOwnerA!)) {
      expect({ name, ids: (await orgOwner.list([{ org: orgA }])).items.map((p) => p.id) }).toEqual({ name, ids: expect.arrayContaining([ownProject, otherOwnProject, id]) });
      expect({ name, items: (await orgOwner.list([{ grantedTo: orgA }])).items }).toEqual({ name, items: [] });
    }
  });
});
