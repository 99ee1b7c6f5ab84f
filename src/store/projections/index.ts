import { Projector } from "../projector.js";
import { accessTokensProjection } from "./access-tokens.js";
import { appAccessTokensProjection } from "./app-access-tokens.js";
import { appRolesProjection } from "./app-roles.js";
import { appKeysProjection } from "./app-keys.js";
import { appSecretsProjection } from "./app-secrets.js";
import { appsProjection } from "./apps.js";
import { instancesProjection } from "./instances.js";
import { membersProjection } from "./members.js";
import { orgsProjection } from "./orgs.js";
import { projectRolesProjection } from "./project-roles.js";
import { projectsProjection } from "./projects.js";
import { signingKeysProjection } from "./signing-keys.js";
import { usersProjection } from "./users.js";

/** Every read model, dependents before what they depend on (the order their tables are cleared in). */
export function createProjector(): Projector {
  return new Projector([
    accessTokensProjection,
    appAccessTokensProjection,
    signingKeysProjection,
    appKeysProjection,
    appSecretsProjection,
    appRolesProjection,
    appsProjection,
    projectRolesProjection,
    projectsProjection,
    membersProjection,
    usersProjection,
    orgsProjection,
    instancesProjection,
  ]);
}
