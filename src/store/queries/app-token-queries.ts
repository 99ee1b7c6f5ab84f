import type { Kysely } from "kysely";
import type { AccessTokenType } from "../../domain/user.js";
import { precompile, rowsOf } from "../precompiled.js";
import { ACTIVE } from "../projections/row-metadata.js";
import type { Database } from "../schema.js";
import { findTokenRow, TOKEN_COLUMNS, type TokenFacts } from "./token-rows.js";

/** What the token endpoint needs of an authenticated API app to issue it a token. */
export interface AppGrant {
  orgId: string;
  orgPrimaryDomain: string;
  /** Whether the app opted in to the client credentials grant. */
  clientCredentials: boolean;
  accessTokenType: AccessTokenType;
}

/** A token an API app obtained for itself, with what introspection tells about it. */
export interface IssuedAppToken extends TokenFacts {
  appId: string;
  projectId: string;
  appActive: boolean;
}

const appGrantRow = precompile((db, instanceId: string, appId: string) =>
  db
    .selectFrom("apps as a")
    .innerJoin("app_api_configs as c", (join) => join.onRef("c.instance_id", "=", "a.instance_id").onRef("c.app_id", "=", "a.id"))
    .innerJoin("orgs as o", (join) => join.onRef("o.instance_id", "=", "a.instance_id").onRef("o.id", "=", "a.owner"))
    .select(["a.owner", "o.primary_domain", "c.client_credentials", "c.client_credentials_token_type"])
    .where("a.instance_id", "=", instanceId)
    .where("a.id", "=", appId),
);

export async function findAppGrant(db: Kysely<Database>, instanceId: string, appId: string): Promise<AppGrant | undefined> {
  const [row] = await rowsOf(db, appGrantRow(db, instanceId, appId));
  return row && { orgId: row.owner, orgPrimaryDomain: row.primary_domain, clientCredentials: row.client_credentials, accessTokenType: row.client_credentials_token_type as AccessTokenType };
}

const appTokenBy = (column: "t.token_digest" | "t.id") =>
  precompile((db, instanceId: string, key: string, now: Date) =>
    db
      .selectFrom("app_access_tokens as t")
      .innerJoin("apps as a", (join) => join.onRef("a.instance_id", "=", "t.instance_id").onRef("a.id", "=", "t.app_id"))
      .innerJoin("orgs as o", (join) => join.onRef("o.instance_id", "=", "t.instance_id").onRef("o.id", "=", "t.owner"))
      .select([...TOKEN_COLUMNS, "t.app_id", "t.project_id", "a.state"])
      .where("t.instance_id", "=", instanceId)
      .where(column, "=", key)
      .where("t.expiration", ">", now),
  );
const appTokenQueries = { byDigest: appTokenBy("t.token_digest"), byId: appTokenBy("t.id") };

/** An unexpired app token: an opaque one by its digest, a JWT's by its id (`jti`). */
export async function findAppToken(db: Kysely<Database>, instanceId: string, by: { digest: string } | { id: string }, now: Date): Promise<IssuedAppToken | undefined> {
  const found = await findTokenRow(db, appTokenQueries, instanceId, by, now);
  return found && { ...found.facts, appId: found.row.app_id, projectId: found.row.project_id, appActive: found.row.state === ACTIVE };
}

const appRoleKeys = precompile((db, instanceId: string, appId: string) =>
  db.selectFrom("app_roles").select("role_key").where("instance_id", "=", instanceId).where("app_id", "=", appId).orderBy("sequence"),
);

/** The keys of the roles an app holds now (introspection reads them when it is asked). */
export async function findAppRoleKeys(db: Kysely<Database>, instanceId: string, appId: string): Promise<string[]> {
  return (await rowsOf(db, appRoleKeys(db, instanceId, appId))).map((row) => row.role_key);
}
