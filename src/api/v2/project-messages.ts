import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ProjectInput } from "../../domain/project.js";
import type { ProjectView } from "../../store/queries/project-queries.js";

interface CreateFields {
  name: string;
  projectRoleAssertion: boolean;
  authorizationRequired: boolean;
  projectAccessRequired: boolean;
  privateLabelingSetting: number;
}

/**
 * A v2 or v2beta CreateProjectRequest as v1's project input (both packages name the fields alike):
 * authorization_required is v1's project_role_check, project_access_required its has_project_check.
 */
export const createInput = (req: CreateFields): ProjectInput => ({
  name: req.name,
  settings: {
    projectRoleAssertion: req.projectRoleAssertion,
    projectRoleCheck: req.authorizationRequired,
    hasProjectCheck: req.projectAccessRequired,
    privateLabelingSetting: req.privateLabelingSetting,
  },
});

/** A project as both packages' Project carries it, but for its id (v2's project_id, v2beta's id). */
export const projectFields = (view: ProjectView) => ({
  organizationId: view.details.resourceOwner,
  creationDate: timestampFromDate(view.details.creationDate),
  changeDate: timestampFromDate(view.details.changeDate),
  name: view.name,
  state: view.state,
  projectRoleAssertion: view.projectRoleAssertion,
  authorizationRequired: view.projectRoleCheck,
  projectAccessRequired: view.hasProjectCheck,
  privateLabelingSetting: view.privateLabelingSetting,
});
