import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ProjectSchema, type ProjectService } from "../../gen/keygate/v1/projects_pb.js";
import { PROJECT_LIST_KEY, type KeygateProjectView } from "../../store/queries/keygate-project-queries.js";
import { actorOf, callerOf } from "../call-context.js";
import type { ServiceDeps } from "../services/service-deps.js";
import type { KeygatePermissions } from "./keygate-permissions.js";
import { keysetWindow, listIdentity, pageResult } from "./page-request.js";
import { readFields } from "./read-fields.js";

export const PROJECT_PERMISSIONS: KeygatePermissions<typeof ProjectService> = {
  createProject: { permission: "project.create" },
  getProject: { permission: "project.read", checkField: "projectId" },
  updateProject: { permission: "project.write", checkField: "projectId" },
  listProjects: { permission: "project.read" },
};

const projectMessage = (view: KeygateProjectView) =>
  create(ProjectSchema, {
    id: view.id,
    orgId: view.orgId,
    name: view.name,
    state: view.state,
    ...readFields(view.details),
  });

/** keygate.v1.ProjectService: projects with keygate's metadata. */
export function projectService({ queries }: ServiceDeps): Partial<ServiceImpl<typeof ProjectService>> {
  return {
    async getProject(req, ctx) {
      return { project: projectMessage(await queries.as(actorOf(ctx)).getKeygateProject(req.projectId)) };
    },

    async listProjects(req, ctx) {
      const { actor, projectScope } = callerOf(ctx);
      const list = listIdentity("projects", actor.orgId);
      const page = await queries.as(actor).listKeygateProjects({ projectScope }, keysetWindow(req, list, PROJECT_LIST_KEY.length));
      return { projects: page.result.map(projectMessage), ...pageResult(page, list) };
    },
  };
}
