import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ProjectService } from "../../gen/zitadel/project/v2beta/project_service_pb.js";
import type { ProjectSearchFilter } from "../../gen/zitadel/project/v2beta/query_pb.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { ProjectCondition, ProjectSortColumn, ProjectView } from "../../store/queries/project-queries.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { pageOptions, paginationOf } from "./pagination.js";
import { createInput, projectFields } from "./project-messages.js";
import { projectRoleMethods, projectStateMethods } from "./shared-project-methods.js";
import { v2Projects } from "./projects.js";

const projectMessage = (view: ProjectView) => ({ id: view.id, ...projectFields(view) });

/** The owner filters name the org owning the project; a grant's org matches nothing, keygate having no grants. */
function projectCondition({ filter }: ProjectSearchFilter): ProjectCondition {
  switch (filter.case) {
    case "projectNameFilter":
      return { kind: "name", query: { value: filter.value.projectName, match: filter.value.method as number as TextMatch } };
    case "inProjectIdsFilter":
      return { kind: "ids", ids: filter.value.ids };
    case "projectResourceOwnerFilter":
    case "projectOrganizationIdFilter":
      return { kind: "org", orgId: filter.value.id };
    default:
      // projectGrantResourceOwnerFilter; an unset filter is refused by validation.
      return { kind: "nothing" };
  }
}

/**
 * zitadel.project.v2beta.ProjectService over the same store as v1 (see projects.ts), also at its
 * REST paths (/v2beta/projects/…); grants answer Unimplemented. Its UpdateProject still names the
 * settings as v1 does (project_role_check, has_project_check).
 */
export function projectServiceV2beta(deps: ServiceDeps): Partial<ServiceImpl<typeof ProjectService>> {
  const projects = v2Projects(deps);
  return {
    ...projectRoleMethods(projects),
    ...projectStateMethods(projects, "id"),
    async createProject(req, ctx) {
      const { id, details } = await projects.create(ctx, req.organizationId, createInput(req), req.id);
      return { id, creationDate: timestampFromDate(details.date) };
    },
    async getProject(req, ctx) {
      return { project: projectMessage(await projects.get(ctx, req.id)) };
    },
    async listProjects(req, ctx) {
      const options = pageOptions(req.pagination);
      const page = await projects.list(ctx, req.filters.map(projectCondition), (req.sortingColumn ?? 0) as number as ProjectSortColumn, options);
      return { pagination: paginationOf(page, options), projects: page.result.map(projectMessage) };
    },
    async updateProject(req, ctx) {
      const update = {
        ...(req.name === undefined ? {} : { name: req.name }),
        settings: {
          projectRoleAssertion: req.projectRoleAssertion,
          projectRoleCheck: req.projectRoleCheck,
          hasProjectCheck: req.hasProjectCheck,
          privateLabelingSetting: req.privateLabelingSetting,
        },
      };
      return { changeDate: timestampFromDate(await projects.update(ctx, req.id, update)) };
    },
  };
}
