/**
 * One view of ZITADEL's two project services for the v2 tests: each adapter calls v2's
 * ProjectService (keygate's generated client), v2beta's (a client built from @zitadel/proto's own
 * descriptors, as ZITADEL's users generate it) or v2beta's REST paths, and hands back the same
 * shapes, without filling in anything the wire did not carry.
 */
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { createClient, type Transport } from "@connectrpc/connect";
import { ProjectService as ZitadelProjectServiceV2beta } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { ProjectService } from "../../src/gen/zitadel/project/v2/project_service_pb.js";
import { ProjectOrganizationIDFilter_Type } from "../../src/gen/zitadel/project/v2/query_pb.js";

export interface ProjectFields {
  name: string;
  projectRoleAssertion?: boolean;
  authorizationRequired?: boolean;
  projectAccessRequired?: boolean;
  /** 0 unspecified, 1 enforce project resource owner policy, 2 allow login user resource owner policy. */
  privateLabelingSetting?: number;
}

export interface ReadProject extends Required<ProjectFields> {
  id: string;
  orgId: string;
  /** 1 active, 2 inactive. */
  state: number;
  creationDate: Date;
  changeDate: Date;
}

export interface ReadRole {
  projectId: string;
  key: string;
  displayName: string;
  group: string;
  creationDate: Date;
  changeDate: Date;
}

/** A TextFilterMethod (0 equals … 7 ends with, ignoring case) and its value. */
export type TextFilter = [value: string, method: number];

/** `grantedTo`: projects granted to an org (v2's GRANTED type, v2beta's grant resource owner filter). */
export type ProjectFilter = { name: TextFilter } | { ids: string[] } | { org: string } | { grantedTo: string };

export interface Paging {
  offset?: number;
  limit?: number;
  asc?: boolean;
  /** The sorting column's number (ProjectFieldName / ProjectRoleFieldName). */
  sort?: number;
}

export interface Listed<T> {
  items: T[];
  total: bigint;
  appliedLimit: bigint;
}

export interface ProjectsApi {
  name: string;
  create(orgId: string, project: ProjectFields & { id?: string }): Promise<{ id: string; creationDate: Date }>;
  get(projectId: string): Promise<ReadProject>;
  list(filters: ProjectFilter[], paging?: Paging): Promise<Listed<ReadProject>>;
  update(projectId: string, change: Partial<ProjectFields>): Promise<Date>;
  deactivate(projectId: string): Promise<Date>;
  activate(projectId: string): Promise<Date>;
  remove(projectId: string): Promise<Date>;
  addRole(projectId: string, role: { key: string; displayName: string; group?: string }): Promise<Date>;
  updateRole(projectId: string, key: string, change: { displayName?: string; group?: string }): Promise<Date>;
  removeRole(projectId: string, key: string): Promise<Date>;
  listRoles(projectId: string, filters?: { key?: TextFilter; displayName?: TextFilter }, paging?: Paging): Promise<Listed<ReadRole>>;
}

const date = (t: Timestamp | undefined): Date => timestampDate(t!);

interface ProjectMessage {
  organizationId: string;
  creationDate?: Timestamp;
  changeDate?: Timestamp;
  name: string;
  state: number;
  projectRoleAssertion: boolean;
  authorizationRequired: boolean;
  projectAccessRequired: boolean;
  privateLabelingSetting: number;
}

const readProject = (id: string, p: ProjectMessage): ReadProject => ({
  id,
  orgId: p.organizationId,
  name: p.name,
  state: p.state,
  projectRoleAssertion: p.projectRoleAssertion,
  authorizationRequired: p.authorizationRequired,
  projectAccessRequired: p.projectAccessRequired,
  privateLabelingSetting: p.privateLabelingSetting,
  creationDate: date(p.creationDate),
  changeDate: date(p.changeDate),
});

const readRole = (r: { projectId: string; key: string; displayName: string; group: string; creationDate?: Timestamp; changeDate?: Timestamp }): ReadRole => ({
  projectId: r.projectId,
  key: r.key,
  displayName: r.displayName,
  group: r.group,
  creationDate: date(r.creationDate),
  changeDate: date(r.changeDate),
});

const pagination = (paging: Paging = {}) => ({ offset: BigInt(paging.offset ?? 0), limit: paging.limit ?? 0, asc: paging.asc ?? false });
const sorting = (paging: Paging = {}) => (paging.sort === undefined ? {} : { sortingColumn: paging.sort });

function roleFilters(filters: { key?: TextFilter; displayName?: TextFilter } = {}) {
  return [
    ...(filters.key ? [{ filter: { case: "roleKeyFilter" as const, value: { key: filters.key[0], method: filters.key[1] } } }] : []),
    ...(filters.displayName ? [{ filter: { case: "displayNameFilter" as const, value: { displayName: filters.displayName[0], method: filters.displayName[1] } } }] : []),
  ];
}

const settingsOf = (change: Partial<ProjectFields>) => ({
  ...(change.name === undefined ? {} : { name: change.name }),
  ...(change.projectRoleAssertion === undefined ? {} : { projectRoleAssertion: change.projectRoleAssertion }),
  ...(change.privateLabelingSetting === undefined ? {} : { privateLabelingSetting: change.privateLabelingSetting }),
});

export function v2Projects(transport: Transport): ProjectsApi {
  const client = createClient(ProjectService, transport);
  return {
    name: "v2 ProjectService",
    async create(organizationId, p) {
      const res = await client.createProject({ organizationId, ...(p.id === undefined ? {} : { projectId: p.id }), ...settingsOf(p), name: p.name, authorizationRequired: p.authorizationRequired ?? false, projectAccessRequired: p.projectAccessRequired ?? false });
      return { id: res.projectId, creationDate: date(res.creationDate) };
    },
    async get(projectId) {
      const p = (await client.getProject({ projectId })).project!;
      return readProject(p.projectId, p);
    },
    async list(filters, paging) {
      const res = await client.listProjects({
        pagination: pagination(paging),
        ...sorting(paging),
        filters: filters.map((f) =>
          "name" in f
            ? { filter: { case: "projectNameFilter" as const, value: { projectName: f.name[0], method: f.name[1] } } }
            : "ids" in f
              ? { filter: { case: "inProjectIdsFilter" as const, value: { ids: f.ids } } }
              : "org" in f
                ? { filter: { case: "organizationIdFilter" as const, value: { organizationId: f.org } } }
                : { filter: { case: "organizationIdFilter" as const, value: { organizationId: f.grantedTo, type: ProjectOrganizationIDFilter_Type.GRANTED } } },
        ),
      });
      return { items: res.projects.map((p) => readProject(p.projectId, p)), total: res.pagination!.totalResult, appliedLimit: res.pagination!.appliedLimit };
    },
    async update(projectId, change) {
      const res = await client.updateProject({
        projectId,
        ...settingsOf(change),
        ...(change.authorizationRequired === undefined ? {} : { authorizationRequired: change.authorizationRequired }),
        ...(change.projectAccessRequired === undefined ? {} : { projectAccessRequired: change.projectAccessRequired }),
      });
      return date(res.changeDate);
    },
    deactivate: async (projectId) => date((await client.deactivateProject({ projectId })).changeDate),
    activate: async (projectId) => date((await client.activateProject({ projectId })).changeDate),
    remove: async (projectId) => date((await client.deleteProject({ projectId })).deletionDate),
    addRole: async (projectId, role) => date((await client.addProjectRole({ projectId, roleKey: role.key, displayName: role.displayName, ...(role.group === undefined ? {} : { group: role.group }) })).creationDate),
    updateRole: async (projectId, roleKey, change) => date((await client.updateProjectRole({ projectId, roleKey, ...change })).changeDate),
    removeRole: async (projectId, roleKey) => date((await client.removeProjectRole({ projectId, roleKey })).removalDate),
    async listRoles(projectId, filters, paging) {
      const res = await client.listProjectRoles({ projectId, pagination: pagination(paging), ...sorting(paging), filters: roleFilters(filters) });
      return { items: res.projectRoles.map(readRole), total: res.pagination!.totalResult, appliedLimit: res.pagination!.appliedLimit };
    },
  };
}

/** v2beta through @zitadel/proto's descriptors; its UpdateProject names the settings as v1 does. */
export function v2betaProjects(transport: Transport): ProjectsApi {
  const client = createClient(ZitadelProjectServiceV2beta, transport);
  return {
    name: "v2beta ProjectService",
    async create(organizationId, p) {
      const res = await client.createProject({ organizationId, ...(p.id === undefined ? {} : { id: p.id }), ...settingsOf(p), name: p.name, authorizationRequired: p.authorizationRequired ?? false, projectAccessRequired: p.projectAccessRequired ?? false });
      return { id: res.id, creationDate: date(res.creationDate) };
    },
    async get(id) {
      const p = (await client.getProject({ id })).project!;
      return readProject(p.id, p);
    },
    async list(filters, paging) {
      const res = await client.listProjects({
        pagination: pagination(paging),
        ...sorting(paging),
        filters: filters.map((f) =>
          "name" in f
            ? { filter: { case: "projectNameFilter" as const, value: { projectName: f.name[0], method: f.name[1] } } }
            : "ids" in f
              ? { filter: { case: "inProjectIdsFilter" as const, value: { ids: f.ids } } }
              : "org" in f
                ? { filter: { case: "projectResourceOwnerFilter" as const, value: { id: f.org } } }
                : { filter: { case: "projectGrantResourceOwnerFilter" as const, value: { id: f.grantedTo } } },
        ),
      });
      return { items: res.projects.map((p) => readProject(p.id, p)), total: res.pagination!.totalResult, appliedLimit: res.pagination!.appliedLimit };
    },
    async update(id, change) {
      const res = await client.updateProject({
        id,
        ...settingsOf(change),
        ...(change.authorizationRequired === undefined ? {} : { projectRoleCheck: change.authorizationRequired }),
        ...(change.projectAccessRequired === undefined ? {} : { hasProjectCheck: change.projectAccessRequired }),
      });
      return date(res.changeDate);
    },
    deactivate: async (id) => date((await client.deactivateProject({ id })).changeDate),
    activate: async (id) => date((await client.activateProject({ id })).changeDate),
    remove: async (id) => date((await client.deleteProject({ id })).deletionDate),
    addRole: async (projectId, role) => date((await client.addProjectRole({ projectId, roleKey: role.key, displayName: role.displayName, ...(role.group === undefined ? {} : { group: role.group }) })).creationDate),
    updateRole: async (projectId, roleKey, change) => date((await client.updateProjectRole({ projectId, roleKey, ...change })).changeDate),
    removeRole: async (projectId, roleKey) => date((await client.removeProjectRole({ projectId, roleKey })).removalDate),
    async listRoles(projectId, filters, paging) {
      const res = await client.listProjectRoles({ projectId, pagination: pagination(paging), ...sorting(paging), filters: roleFilters(filters) });
      return { items: res.projectRoles.map(readRole), total: res.pagination!.totalResult, appliedLimit: res.pagination!.appliedLimit };
    },
  };
}

const LABELING = ["PRIVATE_LABELING_SETTING_UNSPECIFIED", "PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY", "PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY"];
const STATES = ["PROJECT_STATE_UNSPECIFIED", "PROJECT_STATE_ACTIVE", "PROJECT_STATE_INACTIVE"];
const PROJECT_SORT = ["PROJECT_FIELD_NAME_UNSPECIFIED", "PROJECT_FIELD_NAME_ID", "PROJECT_FIELD_NAME_CREATION_DATE", "PROJECT_FIELD_NAME_CHANGE_DATE", "PROJECT_FIELD_NAME_NAME"];
const ROLE_SORT = ["PROJECT_ROLE_FIELD_NAME_UNSPECIFIED", "PROJECT_ROLE_FIELD_NAME_KEY", "PROJECT_ROLE_FIELD_NAME_CREATION_DATE", "PROJECT_ROLE_FIELD_NAME_CHANGE_DATE"];
const TEXT_METHODS = ["EQUALS", "EQUALS_IGNORE_CASE", "STARTS_WITH", "STARTS_WITH_IGNORE_CASE", "CONTAINS", "CONTAINS_IGNORE_CASE", "ENDS_WITH", "ENDS_WITH_IGNORE_CASE"].map((m) => `TEXT_FILTER_METHOD_${m}`);

/** An error of the REST adapter: grpc-gateway's status and body. */
export class RestFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: number; message: string },
  ) {
    super(`${status} ${body.message}`);
  }
}

/**
 * v2beta at its REST paths with plain fetch and protojson names. ListProjectRoles' rule has no body,
 * so its paging and sorting travel as query parameters and it cannot take filters, as in ZITADEL.
 */
export function v2betaRestProjects(baseUrl: string, token: string): ProjectsApi {
  async function call(method: string, path: string, body?: object): Promise<Record<string, any>> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, any>;
    if (res.status !== 200) throw new RestFailure(res.status, json as { code: number; message: string });
    return json;
  }
  const at = (value: string) => new Date(value);
  const path = encodeURIComponent;
  const project = (p: Record<string, any>): ReadProject => ({
    id: p.id,
    orgId: p.organizationId,
    name: p.name,
    state: STATES.indexOf(p.state ?? STATES[0]),
    projectRoleAssertion: p.projectRoleAssertion ?? false,
    authorizationRequired: p.authorizationRequired ?? false,
    projectAccessRequired: p.projectAccessRequired ?? false,
    privateLabelingSetting: LABELING.indexOf(p.privateLabelingSetting ?? LABELING[0]),
    creationDate: at(p.creationDate),
    changeDate: at(p.changeDate),
  });
  const restPaging = (paging: Paging = {}, sortNames: string[]) => ({
    pagination: { offset: String(paging.offset ?? 0), limit: paging.limit ?? 0, asc: paging.asc ?? false },
    ...(paging.sort === undefined ? {} : { sortingColumn: sortNames[paging.sort] }),
  });
  const labeling = (change: Partial<ProjectFields>) => (change.privateLabelingSetting === undefined ? {} : { privateLabelingSetting: LABELING[change.privateLabelingSetting] });
  return {
    name: "v2beta ProjectService (REST)",
    async create(organizationId, p) {
      const body = { organizationId, ...(p.id === undefined ? {} : { id: p.id }), ...settingsOf(p), ...labeling(p), authorizationRequired: p.authorizationRequired, projectAccessRequired: p.projectAccessRequired };
      const res = await call("POST", "/v2beta/projects", body);
      return { id: res.id, creationDate: at(res.creationDate) };
    },
    get: async (id) => project((await call("GET", `/v2beta/projects/${path(id)}`)).project),
    async list(filters, paging) {
      const body = {
        ...restPaging(paging, PROJECT_SORT),
        filters: filters.map((f) =>
          "name" in f
            ? { projectNameFilter: { projectName: f.name[0], method: TEXT_METHODS[f.name[1]] } }
            : "ids" in f
              ? { inProjectIdsFilter: { ids: f.ids } }
              : "org" in f
                ? { projectResourceOwnerFilter: { id: f.org } }
                : { projectGrantResourceOwnerFilter: { id: f.grantedTo } },
        ),
      };
      const res = await call("POST", "/v2beta/projects/search", body);
      return { items: (res.projects ?? []).map(project), total: BigInt(res.pagination?.totalResult ?? 0), appliedLimit: BigInt(res.pagination?.appliedLimit ?? 0) };
    },
    async update(id, change) {
      const body = {
        ...settingsOf(change),
        ...labeling(change),
        ...(change.authorizationRequired === undefined ? {} : { projectRoleCheck: change.authorizationRequired }),
        ...(change.projectAccessRequired === undefined ? {} : { hasProjectCheck: change.projectAccessRequired }),
      };
      return at((await call("POST", `/v2beta/projects/${path(id)}`, body)).changeDate);
    },
    deactivate: async (id) => at((await call("POST", `/v2beta/projects/${path(id)}/deactivate`, {})).changeDate),
    activate: async (id) => at((await call("POST", `/v2beta/projects/${path(id)}/activate`, {})).changeDate),
    remove: async (id) => at((await call("DELETE", `/v2beta/projects/${path(id)}`)).deletionDate),
    addRole: async (projectId, role) => at((await call("POST", `/v2beta/projects/${path(projectId)}/roles`, { roleKey: role.key, displayName: role.displayName, group: role.group })).creationDate),
    updateRole: async (projectId, key, change) => at((await call("POST", `/v2beta/projects/${path(projectId)}/roles/${path(key)}`, change)).changeDate),
    removeRole: async (projectId, key) => at((await call("DELETE", `/v2beta/projects/${path(projectId)}/roles/${path(key)}`)).removalDate),
    async listRoles(projectId, filters, paging = {}) {
      if (filters?.key || filters?.displayName) throw new Error("ListProjectRoles over REST takes no filters (its rule has no body)");
      const query = new URLSearchParams({ "pagination.offset": String(paging.offset ?? 0), "pagination.limit": String(paging.limit ?? 0), "pagination.asc": String(paging.asc ?? false) });
      if (paging.sort !== undefined) query.set("sortingColumn", ROLE_SORT[paging.sort]!);
      const res = await call("POST", `/v2beta/projects/${path(projectId)}/roles/search?${query}`);
      const roles = (res.projectRoles ?? []).map((r: Record<string, string>) => ({
        projectId: r.projectId!,
        key: r.key!,
        displayName: r.displayName ?? "",
        group: r.group ?? "",
        creationDate: at(r.creationDate!),
        changeDate: at(r.changeDate!),
      }));
      return { items: roles, total: BigInt(res.pagination?.totalResult ?? 0), appliedLimit: BigInt(res.pagination?.appliedLimit ?? 0) };
    },
  };
}
