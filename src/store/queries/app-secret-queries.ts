import type { Kysely } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { Database } from "../schema.js";
import type { ListOptions, Page } from "./list-options.js";
import { countMatches, pageWithTotals } from "./paged.js";

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

/** Where a page continues: after (or, descending, before) the secret made by this sequence. */
export interface SecretsFrom {
  sequence: number;
}

/**
 * The secrets of one API app in the org context, in the order they were made (each secret's
 * sequence is unique within its app), with offset/limit or from a page token's position. An app
 * that does not exist in the org is NotFound, as one of another org is.
 */
export async function listAppSecrets(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  projectId: string,
  appId: string,
  options: ListOptions & { from?: SecretsFrom },
): Promise<Page<AppSecretItem>> {
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
  const secrets = db.selectFrom("app_secrets as s").where("s.instance_id", "=", instanceId).where("s.app_id", "=", appId);
  const from = options.from;
  const windowed = from === undefined ? secrets : secrets.where("s.sequence", options.asc ? ">" : "<", from.sequence);
  return pageWithTotals(
    () => countMatches(secrets, "s.sequence"),
    ({ direction, offset, limit }) =>
      windowed
        // A use recorded before the secret was made belongs to an earlier secret that had its id.
        .leftJoin("app_secret_uses as u", (join) =>
          join.onRef("u.instance_id", "=", "s.instance_id").onRef("u.app_id", "=", "s.app_id").onRef("u.secret_id", "=", "s.id").onRef("u.last_used", ">=", "s.creation_date"),
        )
        .select(["s.id", "s.creation_date", "s.sequence", "s.expiration", "s.last_four", "u.last_used"])
        .orderBy("s.sequence", direction)
        .offset(from === undefined ? offset : 0)
        .limit(limit)
        .execute(),
    options,
    (row) => ({
      id: row.id,
      creationDate: row.creation_date,
      sequence: Number(row.sequence),
      ...(row.expiration ? { expiration: row.expiration } : {}),
      lastFour: row.last_four,
      ...(row.last_used ? { lastUsed: row.last_used } : {}),
    }),
  );
}
