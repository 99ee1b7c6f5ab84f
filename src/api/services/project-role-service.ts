import type { RoleQuery } from "../../gen/zitadel/project_pb.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { ProjectRoleFilter, ProjectRoleView } from "../../store/queries/project-role-queries.js";
import { actorOf } from "../call-context.js";
import { addedDetails, changedDetails, listDetails, listOptions, readDetails } from "../details.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

/** Role queries, ANDed as in ZITADEL. */
function roleFilter(queries: RoleQuery[]): ProjectRoleFilter {
  const filter: ProjectRoleFilter = { keys: [], displayNames: [] };
  for (const { query } of queries) {
    if (query.case === "keyQuery") filter.keys.push({ value: query.value.key, match: query.value.method as number as TextMatch });
    if (query.case === "displayNameQuery") filter.displayNames.push({ value: query.value.displayName, match: query.value.method as number as TextMatch });
  }
  return filter;
}

const roleMessage = (view: ProjectRoleView) => ({ key: view.key, displayName: view.displayName, group: view.group, details: readDetails(view.details) });

/** v1 project roles: add (one or many), update, remove and list, in the org context. */
export function projectRoleService({ queries, commands }: ServiceDeps): ManagementPart {
  return {
    async listProjectRoles(req, ctx) {
      const page = await queries.as(actorOf(ctx)).listProjectRoles(req.projectId, roleFilter(req.queries), listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(roleMessage) };
    },
    async addProjectRole(req, ctx) {
      const role = { key: req.roleKey, displayName: req.displayName, group: req.group };
      return { details: addedDetails(await commands.as(actorOf(ctx)).addProjectRoles(req.projectId, [role])) };
    },
    async bulkAddProjectRoles(req, ctx) {
      const roles = req.roles.map((role) => ({ key: role.key, displayName: role.displayName, group: role.group }));
      return { details: addedDetails(await commands.as(actorOf(ctx)).addProjectRoles(req.projectId, roles)) };
    },
    async updateProjectRole(req, ctx) {
      const changes = { displayName: req.displayName, group: req.group };
      return { details: changedDetails(await commands.as(actorOf(ctx)).changeProjectRole(req.projectId, req.roleKey, changes)) };
    },
    async removeProjectRole(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeProjectRole(req.projectId, req.roleKey)) };
    },
  };
}
