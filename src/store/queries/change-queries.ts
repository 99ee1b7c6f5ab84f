import { sql, type Kysely, type SqlBool } from "kysely";
import type { Database } from "../schema.js";
import { effectiveLimit } from "./list-options.js";

export interface Change {
  changeDate: Date;
  eventType: string;
  sequence: number;
  editorId: string;
  resourceOwnerId: string;
}

export interface ChangeQuery {
  /** Only changes after this sequence. */
  sequence: number;
  limit: number;
  asc: boolean;
}

/**
 * An app's changes, read from the events: every event of the project whose payload names the app
 * (key events name it `applicationId` and are left out, as in ZITADEL). Newest first unless `asc`.
 */
export async function listAppChanges(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  projectId: string,
  appId: string,
  query: ChangeQuery,
): Promise<Change[]> {
  const rows = await db
    .selectFrom("events2")
    .select(["created_at", "event_type", "sequence", "creator", "owner"])
    .where("instance_id", "=", instanceId)
    .where("aggregate_id", "=", projectId)
    .where(sql<SqlBool>`payload->>'appId' = ${appId}`)
    .where("aggregate_type", "=", "project")
    .where("owner", "=", orgId)
    .where("sequence", ">", query.sequence)
    .orderBy("sequence", query.asc ? "asc" : "desc")
    .limit(effectiveLimit(query.limit))
    .execute();
  return rows.map((row) => ({
    changeDate: row.created_at,
    eventType: row.event_type,
    sequence: row.sequence,
    editorId: row.creator,
    resourceOwnerId: row.owner,
  }));
}
