import type { HandlerContext } from "@connectrpc/connect";
import { DomainError, failedPrecondition, notFound } from "../../domain/errors.js";
import type { ProjectInput, ProjectUpdate } from "../../domain/project.js";
import type { ProjectRoleChanges, ProjectRoleState } from "../../domain/project-role.js";
import type { ListOptions, Page } from "../../store/queries/list-options.js";
import type { ProjectCondition, ProjectSortColumn } from "../../store/queries/project-queries.js";
import type { ProjectRoleFilter, ProjectRoleSort, ProjectRoleView } from "../../store/queries/project-role-queries.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { ResourceAccess } from "./resource-access.js";

/** The errors of an object that does not exist, or that is in an org the caller has no part in. */
const orgNotFound = () => notFound("DOM-8KYOH3", "Organisation not found");
const projectNotFound = (id: string) => () => notFound(id, "Project not found");
const projectMissing = () => failedPrecondition("COMMAND-EbFMN", "Project not found");
const roleNotFound = () => notFound("COMMAND-m9vMf", "Role doesn't exist");

/** Thrown by the role list for a project the caller cannot see: the list is then empty, as v1's. */
class HiddenProject extends DomainError {
  constructor() {
    super("NotFound", "QUERY-fk2fs", "Project not found");
  }
}

/**
 * Projects and their roles as v2 and v2beta see them: each operation finds the org from the
 * organizationId or the project named, checks the caller's permission there, and runs the same
 * command or query as v1 in that org, so a project is the same project (ids, events, sequence)
 * whichever API made or reads it. The two services only translate their messages to these calls.
 */
export function v2Projects(deps: ServiceDeps) {
  const access = new ResourceAccess(deps);
  return {
    /** An org that does not exist is refused even to instance roles, whose memberships count in any org id. */
    async create(ctx: HandlerContext, orgId: string, input: ProjectInput, projectId: string | undefined) {
      const acting = await access.inOrg(ctx, orgId, orgNotFound);
      if (!(await deps.queries.orgExists(access.instanceOf(ctx), orgId))) throw orgNotFound();
      return acting.commands.addProject(input, projectId);
    },

    async get(ctx: HandlerContext, projectId: string) {
      const acting = await access.onProject(ctx, projectId, projectNotFound("QUERY-fk2fs"));
      return acting.queries.getProject(projectId);
    },

    /** The date of the change, or of the project's last change when nothing was to change (as ZITADEL). */
    async update(ctx: HandlerContext, projectId: string, update: ProjectUpdate): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, projectNotFound("COMMAND-3M9sd"));
      return (await acting.commands.updateProject(projectId, update)).date;
    },

    async remove(ctx: HandlerContext, projectId: string): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, projectNotFound("COMMAND-3M9sd"));
      return (await acting.commands.removeProject(projectId)).date;
    },

    async deactivate(ctx: HandlerContext, projectId: string): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, projectNotFound("COMMAND-112M9"));
      return (await acting.commands.deactivateProject(projectId)).date;
    },

    async activate(ctx: HandlerContext, projectId: string): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, projectNotFound("COMMAND-3M9sd"));
      return (await acting.commands.reactivateProject(projectId)).date;
    },

    async list(ctx: HandlerContext, conditions: readonly ProjectCondition[], sortBy: ProjectSortColumn, options: ListOptions) {
      return deps.queries.listProjectsInScope(access.instanceOf(ctx), await access.readScope(ctx), conditions, sortBy, options);
    },

    async addRole(ctx: HandlerContext, projectId: string, role: ProjectRoleState): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, projectMissing);
      return (await acting.commands.addProjectRoles(projectId, [role])).date;
    },

    async updateRole(ctx: HandlerContext, projectId: string, key: string, changes: ProjectRoleChanges): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, projectMissing);
      return (await acting.commands.changeProjectRole(projectId, key, changes)).date;
    },

    async removeRole(ctx: HandlerContext, projectId: string, key: string): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, roleNotFound);
      return (await acting.commands.removeProjectRole(projectId, key)).date;
    },

    /** An unknown project, or one the caller has no part in, has no roles (a member without the permission is refused). */
    async listRoles(ctx: HandlerContext, projectId: string, filter: ProjectRoleFilter, sort: ProjectRoleSort, options: ListOptions): Promise<Page<ProjectRoleView>> {
      try {
        const acting = await access.onProject(ctx, projectId, () => new HiddenProject());
        return await acting.queries.listProjectRoles(projectId, filter, options, sort);
      } catch (error) {
        if (!(error instanceof HiddenProject)) throw error;
        return { result: [], totalResult: 0, processedSequence: 0, viewTimestamp: new Date() };
      }
    },
  };
}
