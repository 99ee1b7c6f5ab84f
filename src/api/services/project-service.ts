import { create } from "@bufbuild/protobuf";
import type { ProjectInput } from "../../domain/project.js";
import { ProjectSchema } from "../../gen/zitadel/project_pb.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { ProjectView } from "../../store/queries/project-queries.js";
import { actorOf, callerOf } from "../call-context.js";
import { addedDetails, changedDetails, listDetails, listOptions, readDetails } from "../details.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

interface ProjectFields {
  name: string;
  projectRoleAssertion: boolean;
  projectRoleCheck: boolean;
  hasProjectCheck: boolean;
  privateLabelingSetting: number;
}

const projectInput = (req: ProjectFields): ProjectInput => ({
  name: req.name,
  settings: {
    projectRoleAssertion: req.projectRoleAssertion,
    projectRoleCheck: req.projectRoleCheck,
    hasProjectCheck: req.hasProjectCheck,
    privateLabelingSetting: req.privateLabelingSetting,
  },
});

export const projectMessage = (view: ProjectView) => create(ProjectSchema, { ...view, details: readDetails(view.details) });

export function projectService({ queries, commands }: ServiceDeps): ManagementPart {
  return {
    async addProject(req, ctx) {
      const { id, details } = await commands.as(actorOf(ctx)).addProject(projectInput(req));
      return { id, details: addedDetails(details) };
    },

    async getProjectByID(req, ctx) {
      return { project: projectMessage(await queries.as(actorOf(ctx)).getProject(req.id)) };
    },

    /** Callers whose roles are project roles only see those projects. */
    async listProjects(req, ctx) {
      const { actor, projectScope } = callerOf(ctx);
      const names = [];
      const resourceOwners = [];
      for (const { query } of req.queries) {
        if (query.case === "nameQuery") names.push({ value: query.value.name, match: query.value.method as number as TextMatch });
        if (query.case === "projectResourceOwnerQuery") resourceOwners.push(query.value.resourceOwner);
      }
      const page = await queries.as(actor).listProjects({ names, resourceOwners, projectScope }, listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(projectMessage) };
    },

    async updateProject(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).updateProject(req.id, projectInput(req))) };
    },
    async deactivateProject(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).deactivateProject(req.id)) };
    },
    async reactivateProject(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).reactivateProject(req.id)) };
    },
    async removeProject(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeProject(req.id)) };
    },
  };
}
