import type { Kysely } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { Database } from "../schema.js";
import { keysetPage, type KeysetPage, type KeysetWindow } from "./keyset.js";

/*
 * An API app's secrets and keys as keygate.v1 lists them, with page tokens. An app that does not
 * exist in the org is NotFound, as one of another org is.
 */

/** A secret as lists show it: never the secret, never its hash. */
export interface AppSecretItem {
  id: string;
  creationDate: Date;
  sequence: number;
  /** Absent: never expires. */
  expiration?: Date;
  lastFour: string;
  /** Accurate to the minute (see secret-uses.ts); absent when it never authenticated. */
  lastUsed?: Date;
}

export interface AppKeyItem {
  id: string;
  creationDate: Date;
  sequence: number;
  expiration: Date;
}

/** The sort key of secret lists: the sequence of the event that made the secret, unique within its app. */
export const SECRET_LIST_KEY = ["s.sequence"] as const;
/** The sort key of key lists: the key's id. */
export const KEY_LIST_KEY = ["k.id"] as const;

async function requireApp(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string): Promise<void> {
  const app = await db
    .selectFrom("app_api_configs as c")
    .innerJoin("apps as a", (join) => join.onRef("a.instance_id", "=", "c.instance_id").onRef("a.id", "=", "c.app_id"))
    .select("a.id")
    .where("a.instance_id", "=", instanceId)
    .where("a.owner", "=", orgId)
    .where("a.project_id", "=", projectId)
    .where("a.id", "=", appId)
    .executeTakeFirst();
  if (!app) throw notFound("KEYGATE-sec05", "app_id: Application doesn't exist");
}

type AppList<T> = (db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string, window: KeysetWindow) => Promise<KeysetPage<T>>;

/** A list of an app's own things: NotFound unless the app is the org's (and the project's), then `list`'s page. */
const ofOrgApp =
  <T>(list: (db: Kysely<Database>, instanceId: string, appId: string, window: KeysetWindow) => Promise<KeysetPage<T>>): AppList<T> =>
  async (db, instanceId, orgId, projectId, appId, window) => {
    await requireApp(db, instanceId, orgId, projectId, appId);
    return list(db, instanceId, appId, window);
  };

/** The app's secrets in the order they were made. */
export const listAppSecrets = ofOrgApp<AppSecretItem>((db, instanceId, appId, window) => {
  const secrets = db.selectFrom("app_secrets as s").where("s.instance_id", "=", instanceId).where("s.app_id", "=", appId);
  return keysetPage(
    secrets,
    (query) =>
      query
        // A use recorded before the secret was made belongs to an earlier secret that had its id.
        .leftJoin("app_secret_uses as u", (join) =>
          join.onRef("u.instance_id", "=", "s.instance_id").onRef("u.app_id", "=", "s.app_id").onRef("u.secret_id", "=", "s.id").onRef("u.last_used", ">=", "s.creation_date"),
        )
        .select(["s.id", "s.creation_date", "s.sequence", "s.expiration", "s.last_four", "u.last_used"]),
    SECRET_LIST_KEY,
    (row) => [String(row.sequence)],
    window,
    (row) => ({
      id: row.id,
      creationDate: row.creation_date,
      sequence: Number(row.sequence),
      ...(row.expiration ? { expiration: row.expiration } : {}),
      lastFour: row.last_four,
      ...(row.last_used ? { lastUsed: row.last_used } : {}),
    }),
  );
});

/** The app's keys by id; keys of an app that is BASIC now are hidden, as ZITADEL's lists hide them. */
export const listAppKeysPaged = ofOrgApp<AppKeyItem>((db, instanceId, appId, window) => {
  const keys = db.selectFrom("app_keys as k").where("k.instance_id", "=", instanceId).where("k.app_id", "=", appId).where("k.enabled", "=", true);
  return keysetPage(
    keys,
    (query) => query.select(["k.id", "k.creation_date", "k.sequence", "k.expiration"]),
    KEY_LIST_KEY,
    (row) => [row.id],
    window,
    (row) => ({ id: row.id, creationDate: row.creation_date, sequence: Number(row.sequence), expiration: row.expiration }),
  );
});
