import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ProjectOrganizationIDFilter_Type, type ProjectSearchFilter } from "../../gen/zitadel/project/v2/query_pb.js";
import type { ProjectService } from "../../gen/zitadel/project/v2/project_service_pb.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { ProjectCondition, ProjectSortColumn, ProjectView } from "../../store/queries/project-queries.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { pageOptions, paginationOf } from "./pagination.js";
import { createInput, projectFields } from "./project-messages.js";
import { projectRoleMethods, projectStateMethods } from "./shared-project-methods.js";
import { v2Projects } from "./projects.js";

const projectMessage = (view: ProjectView) => ({ projectId: view.id, ...projectFields(view) });

/** Owned (or owned-or-granted) projects of an org; projects granted to it are none, keygate having no grants. */
function projectCondition({ filter }: ProjectSearchFilter): ProjectCondition {
  switch (filter.case) {
    case "projectNameFilter":
      return { kind: "name", query: { value: filter.value.projectName, match: filter.value.method as number as TextMatch } };
    case "inProjectIdsFilter":
      return { kind: "ids", ids: filter.value.ids };
    case "organizationIdFilter":
      return filter.value.type === ProjectOrganizationIDFilter_Type.GRANTED ? { kind: "nothing" } : { kind: "org", orgId: filter.value.organizationId };
    default:
      // An unset filter is refused by validation.
      return { kind: "nothing" };
  }
}

/** zitadel.project.v2.ProjectService over the same store as v1 (see projects.ts); grants answer Unimplemented. */
export function projectServiceV2(deps: ServiceDeps): Partial<ServiceImpl<typeof ProjectService>> {
  const projects = v2Projects(deps);
  return {
    ...projectRoleMethods(projects),
    ...projectStateMethods(projects, "projectId"),
    async createProject(req, ctx) {
      const { id, details } = await projects.create(ctx, req.organizationId, createInput(req), req.projectId);
      return { projectId: id, creationDate: timestampFromDate(details.date) };
    },
    async getProject(req, ctx) {
      return { project: projectMessage(await projects.get(ctx, req.projectId)) };
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
          projectRoleCheck: req.authorizationRequired,
          hasProjectCheck: req.projectAccessRequired,
          privateLabelingSetting: req.privateLabelingSetting,
        },
      };
      return { changeDate: timestampFromDate(await projects.update(ctx, req.projectId, update)) };
    },
  };
}
