import { create } from "@bufbuild/protobuf";
import type { ProjectInput } from "../../domain/project.js";
import { ProjectSchema } from "../../gen/zitadel/project_pb.js";
import * as commands from "../../store/commands/project-commands.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import { getProject, listProjects, type ProjectView } from "../../store/queries/project-queries.js";
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

export function projectService(deps: ServiceDeps): ManagementPart {
  const { commands: c, db } = deps;
  return {
    async addProject(req, ctx) {
      const { id, details } = await commands.addProject(c, actorOf(ctx), projectInput(req));
      return { id, details: addedDetails(details) };
    },

    async getProjectByID(req, ctx) {
      const actor = actorOf(ctx);
      return { project: projectMessage(await getProject(db, actor.instanceId, actor.orgId, req.id)) };
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
      const page = await listProjects(db, actor.instanceId, actor.orgId, { names, resourceOwners, projectScope }, listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(projectMessage) };
    },

    async updateProject(req, ctx) {
      return { details: changedDetails(await commands.updateProject(c, actorOf(ctx), req.id, projectInput(req))) };
    },
    async deactivateProject(req, ctx) {
      return { details: changedDetails(await commands.deactivateProject(c, actorOf(ctx), req.id)) };
    },
    async reactivateProject(req, ctx) {
      return { details: changedDetails(await commands.reactivateProject(c, actorOf(ctx), req.id)) };
    },
    async removeProject(req, ctx) {
      return { details: changedDetails(await commands.removeProject(c, actorOf(ctx), req.id)) };
    },
  };
}
