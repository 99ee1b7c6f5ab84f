import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { parseLabelSelector } from "../../domain/label-selector.js";
import { ProjectSchema, type ProjectService } from "../../gen/keygate/v1/projects_pb.js";
import { PROJECT_LIST_KEY, type KeygateProjectView } from "../../store/queries/keygate-project-queries.js";
import { actorOf, callerOf } from "../call-context.js";
import type { ServiceDeps } from "../services/service-deps.js";
import type { KeygatePermissions } from "./keygate-permissions.js";
import { keysetWindow, listIdentity, pageResult } from "./page-request.js";
import { createdMetadata, metadataFields, readFields, updatedMetadata } from "./read-fields.js";

export const PROJECT_PERMISSIONS: KeygatePermissions<typeof ProjectService> = {
  createProject: { permission: "project.create" },
  getProject: { permission: "project.read", checkField: "projectId" },
  updateProject: { permission: "project.write", checkField: "projectId" },
  listProjects: { permission: "project.read" },
};

/** A new project's ZITADEL settings: all off, as AddProject without them. */
const DEFAULT_SETTINGS = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };

const projectMessage = (view: KeygateProjectView) =>
  create(ProjectSchema, {
    id: view.id,
    orgId: view.orgId,
    name: view.name,
    state: view.state,
    ...metadataFields(view),
    ...readFields(view.details),
  });

/** keygate.v1.ProjectService: projects with keygate's metadata. */
export function projectService({ queries, commands }: ServiceDeps): ServiceImpl<typeof ProjectService> {
  return {
    async createProject(req, ctx) {
      const actor = actorOf(ctx);
      const { id } = await commands.as(actor).addProject({ name: req.name, settings: DEFAULT_SETTINGS }, undefined, createdMetadata(req));
      return { project: projectMessage(await queries.as(actor).getKeygateProject(id)) };
    },

    async getProject(req, ctx) {
      return { project: projectMessage(await queries.as(actorOf(ctx)).getKeygateProject(req.projectId)) };
    },

    async updateProject(req, ctx) {
      const actor = actorOf(ctx);
      await commands.as(actor).describeProject(req.projectId, updatedMetadata(req));
      return { project: projectMessage(await queries.as(actor).getKeygateProject(req.projectId)) };
    },

    async listProjects(req, ctx) {
      const { actor, projectScope } = callerOf(ctx);
      const selector = parseLabelSelector(req.labelSelector);
      const list = listIdentity("projects", actor.orgId, req.labelSelector);
      const page = await queries.as(actor).listKeygateProjects({ projectScope, selector }, keysetWindow(req, list, PROJECT_LIST_KEY.length));
      return { projects: page.result.map(projectMessage), ...pageResult(page, list) };
    },
  };
}
