import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { ProjectRoleFilter, ProjectRoleSort, ProjectRoleView } from "../../store/queries/project-role-queries.js";
import { pageOptions, paginationOf } from "./pagination.js";
import type { v2Projects } from "./projects.js";

/**
 * Methods both ProjectServices share: v2 and v2beta give their role requests and responses the same
 * fields, numbers and enums, and name the project of the others by one field (v2's project_id,
 * v2beta's id), so one implementation serves both.
 */

interface TextFilter {
  method: number;
}

type RoleSearchFilter = {
  filter:
    | { case: "roleKeyFilter"; value: TextFilter & { key: string } }
    | { case: "displayNameFilter"; value: TextFilter & { displayName: string } }
    | { case: undefined; value?: undefined };
};

interface Pagination {
  offset: bigint;
  limit: number;
  asc: boolean;
}

/** The role filters (ANDed, as ZITADEL's). */
function roleFilter(filters: readonly RoleSearchFilter[]): ProjectRoleFilter {
  const filter: ProjectRoleFilter = { keys: [], displayNames: [] };
  for (const { filter: f } of filters) {
    if (f.case === "roleKeyFilter") filter.keys.push({ value: f.value.key, match: f.value.method as TextMatch });
    if (f.case === "displayNameFilter") filter.displayNames.push({ value: f.value.displayName, match: f.value.method as TextMatch });
  }
  return filter;
}

/** ProjectRoleFieldName by its numbers; unset or unspecified sorts by creation date, as ZITADEL's. */
function roleSort(column: number | undefined): ProjectRoleSort {
  switch (column) {
    case 1:
      return "key";
    case 3:
      return "change_date";
    default:
      return "creation_date";
  }
}

const roleMessage = (view: ProjectRoleView) => ({
  projectId: view.projectId,
  key: view.key,
  creationDate: timestampFromDate(view.details.creationDate),
  changeDate: timestampFromDate(view.details.changeDate),
  displayName: view.displayName,
  group: view.group,
});

export function projectRoleMethods(projects: ReturnType<typeof v2Projects>) {
  return {
    async addProjectRole(req: { projectId: string; roleKey: string; displayName: string; group?: string }, ctx: HandlerContext) {
      const role = { key: req.roleKey, displayName: req.displayName, group: req.group ?? "" };
      return { creationDate: timestampFromDate(await projects.addRole(ctx, req.projectId, role)) };
    },
    /** Only the fields the request sets change. */
    async updateProjectRole(req: { projectId: string; roleKey: string; displayName?: string; group?: string }, ctx: HandlerContext) {
      const changes = { ...(req.displayName === undefined ? {} : { displayName: req.displayName }), ...(req.group === undefined ? {} : { group: req.group }) };
      return { changeDate: timestampFromDate(await projects.updateRole(ctx, req.projectId, req.roleKey, changes)) };
    },
    async removeProjectRole(req: { projectId: string; roleKey: string }, ctx: HandlerContext) {
      return { removalDate: timestampFromDate(await projects.removeRole(ctx, req.projectId, req.roleKey)) };
    },
    async listProjectRoles(req: { projectId: string; pagination?: Pagination; sortingColumn?: number; filters: RoleSearchFilter[] }, ctx: HandlerContext) {
      const options = pageOptions(req.pagination);
      const page = await projects.listRoles(ctx, req.projectId, roleFilter(req.filters), roleSort(req.sortingColumn), options);
      return { pagination: paginationOf(page, options), projectRoles: page.result.map(roleMessage) };
    },
  };
}

/** Delete, deactivate and activate, for the service whose requests name the project by `idField`. */
export function projectStateMethods<K extends string>(projects: ReturnType<typeof v2Projects>, idField: K) {
  return {
    async deleteProject(req: Record<K, string>, ctx: HandlerContext) {
      return { deletionDate: timestampFromDate(await projects.remove(ctx, req[idField])) };
    },
    async deactivateProject(req: Record<K, string>, ctx: HandlerContext) {
      return { changeDate: timestampFromDate(await projects.deactivate(ctx, req[idField])) };
    },
    async activateProject(req: Record<K, string>, ctx: HandlerContext) {
      return { changeDate: timestampFromDate(await projects.activate(ctx, req[idField])) };
    },
  };
}
