import type { Kysely } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { AccessTokenType } from "../../domain/user.js";
import type { Database } from "../schema.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

/** A role an app holds, with the project role's names as they are now. */
export interface AppRoleView {
  key: string;
  displayName: string;
  group: string;
  assignedAt: Date;
}

/** What an API app may do on its own: its roles and whether it may use the client credentials grant. */
export interface AppAccessView {
  appId: string;
  projectId: string;
  clientCredentials: boolean;
  accessTokenType: AccessTokenType;
  roles: AppRoleView[];
  /** The app's own details (every app event, roles and setting included, moves them). */
  details: ReadDetails;
}

/** An app of a project of the org; another org's app is as unknown as one that never existed. */
export async function getAppAccess(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string): Promise<AppAccessView> {
  const [app, roles] = await Promise.all([
    db
      .selectFrom("apps")
      .innerJoin("app_api_configs as c", (join) => join.onRef("c.instance_id", "=", "apps.instance_id").onRef("c.app_id", "=", "apps.id"))
      .select(["apps.id", "apps.project_id", "apps.owner", "apps.sequence", "apps.creation_date", "apps.change_date", "c.client_credentials", "c.client_credentials_token_type"])
      .where("apps.instance_id", "=", instanceId)
      .where("apps.owner", "=", orgId)
      .where("apps.project_id", "=", projectId)
      .where("apps.id", "=", appId)
      .executeTakeFirst(),
    db
      .selectFrom("app_roles as r")
      .innerJoin("project_roles as p", (join) =>
        join.onRef("p.instance_id", "=", "r.instance_id").onRef("p.project_id", "=", "r.project_id").onRef("p.key", "=", "r.role_key"),
      )
      .select(["r.role_key", "p.display_name", "p.role_group", "r.creation_date"])
      .where("r.instance_id", "=", instanceId)
      .where("r.owner", "=", orgId)
      .where("r.project_id", "=", projectId)
      .where("r.app_id", "=", appId)
      .orderBy("r.sequence")
      .execute(),
  ]);
  if (!app) throw notFound("QUERY-pCP8P", "Errors.App.NotExisting");
  return {
    appId: app.id,
    projectId: app.project_id,
    clientCredentials: app.client_credentials,
    accessTokenType: app.client_credentials_token_type as AccessTokenType,
    roles: roles.map((row) => ({ key: row.role_key, displayName: row.display_name, group: row.role_group, assignedAt: row.creation_date })),
    details: readDetails(app, app.owner),
  };
}
