import { sql, type Kysely } from "kysely";
import type { SigningKeyState } from "../../domain/signing-key.js";
import { precompile, rowsOf } from "../precompiled.js";
import { ACTIVE } from "../projections/row-metadata.js";
import type { Database } from "../schema.js";
import { findTokenRow, TOKEN_COLUMNS, type TokenFacts } from "./token-rows.js";

/** An API app as a client of the introspection endpoint. */
export interface ApiClient {
  appId: string;
  projectId: string;
  clientId: string;
  /** Every secret of the app, expired ones included (the caller's clock decides), oldest first. */
  secrets: StoredSecret[];
  authMethod: number;
  active: boolean;
}

/** A secret of an API app as client authentication checks it; `expiration` absent means none. */
export interface StoredSecret {
  id: string;
  hash: string;
  expiration?: Date;
}

/** A token keygate issued to a service user, with what introspection and authentication tell about it. */
export interface IssuedToken extends TokenFacts {
  userId: string;
  userName: string;
  userActive: boolean;
}

/** Every signing key whose public key is still published; encrypted private keys included. */
export async function findSigningKeys(db: Kysely<Database>, instanceId: string, now: Date): Promise<SigningKeyState[]> {
  const rows = await db.selectFrom("signing_keys").selectAll().where("instance_id", "=", instanceId).where("published_until", ">", now).execute();
  return rows.map((row) => ({
    id: row.id,
    algorithm: row.algorithm,
    publicKeyPem: row.public_key,
    encryptedPrivateKey: row.private_key_encrypted,
    signsUntil: row.signs_until,
    publishedUntil: row.published_until,
  }));
}

/** One row per secret (or one without a secret), read on every authentication: a removed secret fails at once. */
const apiClientRows = precompile((db, instanceId: string, clientId: string) =>
  db
    .selectFrom("app_api_configs as c")
    .innerJoin("apps as a", (join) => join.onRef("a.instance_id", "=", "c.instance_id").onRef("a.id", "=", "c.app_id"))
    .leftJoin("app_secrets as s", (join) => join.onRef("s.instance_id", "=", "c.instance_id").onRef("s.app_id", "=", "c.app_id"))
    .select(["a.id", "a.project_id", "a.state", "c.client_id", "c.auth_method", "s.id as secret_id", "s.hash", "s.expiration"])
    .where("c.instance_id", "=", instanceId)
    .where("c.client_id", "=", clientId)
    .orderBy("s.sequence"),
);

export async function findApiClient(db: Kysely<Database>, instanceId: string, clientId: string): Promise<ApiClient | undefined> {
  const rows = await rowsOf(db, apiClientRows(db, instanceId, clientId));
  const [row] = rows;
  return (
    row && {
      appId: row.id,
      projectId: row.project_id,
      clientId: row.client_id,
      secrets: rows.flatMap((r) => (r.secret_id === null || r.hash === null ? [] : [{ id: r.secret_id, hash: r.hash, ...(r.expiration ? { expiration: r.expiration } : {}) }])),
      authMethod: row.auth_method,
      active: row.state === ACTIVE,
    }
  );
}

/**
 * Records that a secret authenticated at `now`, unless a use within the last `withinMs` is recorded
 * already (by this process or another): at most one write per secret and interval.
 */
export async function recordSecretUse(db: Kysely<Database>, instanceId: string, appId: string, secretId: string, now: Date, withinMs: number): Promise<void> {
  await db
    .insertInto("app_secret_uses")
    .values({ instance_id: instanceId, app_id: appId, secret_id: secretId, last_used: now })
    .onConflict((oc) =>
      oc
        .columns(["instance_id", "app_id", "secret_id"])
        .doUpdateSet({ last_used: now })
        .where("app_secret_uses.last_used", "<", new Date(now.getTime() - withinMs)),
    )
    .execute();
}

/** The public key (PEM) of an enabled, unexpired key of the API app with this client id. */
export async function findApiClientKey(db: Kysely<Database>, instanceId: string, clientId: string, keyId: string, now: Date): Promise<string | undefined> {
  const row = await db
    .selectFrom("app_keys")
    .select("public_key")
    .where("instance_id", "=", instanceId)
    .where("client_id", "=", clientId)
    .where("id", "=", keyId)
    .where("enabled", "=", true)
    .where("expiration", ">", now)
    .executeTakeFirst();
  return row && Buffer.from(row.public_key, "base64").toString("utf8");
}

const issuedTokenBy = (column: "t.token_digest" | "t.id") =>
  precompile((db, instanceId: string, key: string, now: Date) =>
    db
      .selectFrom("access_tokens as t")
      .innerJoin("users as u", (join) => join.onRef("u.instance_id", "=", "t.instance_id").onRef("u.id", "=", "t.user_id"))
      .innerJoin("orgs as o", (join) => join.onRef("o.instance_id", "=", "t.instance_id").onRef("o.id", "=", "t.owner"))
      .select([...TOKEN_COLUMNS, "t.user_id", "u.user_name", "u.state"])
      .where("t.instance_id", "=", instanceId)
      .where(column, "=", key)
      .where("t.expiration", ">", now),
  );
const issuedTokenQueries = { byDigest: issuedTokenBy("t.token_digest"), byId: issuedTokenBy("t.id") };

/** An unexpired, unrevoked opaque token by its digest, or a JWT's by its id (`jti`). */
export async function findIssuedToken(db: Kysely<Database>, instanceId: string, by: { digest: string } | { id: string }, now: Date): Promise<IssuedToken | undefined> {
  const found = await findTokenRow(db, issuedTokenQueries, instanceId, by, now);
  return found && { ...found.facts, userId: found.row.user_id, userName: found.row.user_name, userActive: found.row.state === ACTIVE };
}

/** Which of these project ids name projects of the instance. */
export async function existingProjects(db: Kysely<Database>, instanceId: string, projectIds: readonly string[]): Promise<Set<string>> {
  if (projectIds.length === 0) return new Set();
  const rows = await db.selectFrom("projects").select("id").where("instance_id", "=", instanceId).where("id", "in", projectIds).execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * Records a client assertion's `jti` as used until the assertion expires; false when it was
 * used already. Records of expired assertions of the same issuer are dropped on the way.
 */
export async function useAssertionId(db: Kysely<Database>, instanceId: string, issuer: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
  await db.deleteFrom("used_client_assertions").where("instance_id", "=", instanceId).where("issuer", "=", issuer).where("expires_at", "<=", now).execute();
  const inserted = await db
    .insertInto("used_client_assertions")
    .values({ instance_id: instanceId, issuer, jti, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(["instance_id", "issuer", "jti"]).doNothing())
    .returning(sql<number>`1`.as("inserted"))
    .execute();
  return inserted.length === 1;
}
