import type { Kysely, Selectable } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { AppKeysTable, Database } from "../schema.js";
import type { ListOptions, Page } from "./list-options.js";
import { paged } from "./paged.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

export interface AppKeyView {
  id: string;
  type: number;
  expiration: Date;
  details: ReadDetails;
}

/** Keys of one app in the org context; keys of an app that is BASIC now are hidden. */
function keysOfApp(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string) {
  return db
    .selectFrom("app_keys")
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("project_id", "=", projectId)
    .where("app_id", "=", appId)
    .where("enabled", "=", true);
}

/** A key's change date is its creation date: keys never change. */
const toView = (row: Selectable<AppKeysTable>): AppKeyView => ({
  id: row.id,
  type: row.type,
  expiration: row.expiration,
  details: { ...readDetails(row, row.owner), changeDate: row.creation_date },
});

export async function getAppKey(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string, keyId: string): Promise<AppKeyView> {
  const row = await keysOfApp(db, instanceId, orgId, projectId, appId).selectAll().where("id", "=", keyId).executeTakeFirst();
  if (!row) throw notFound("QUERY-Dgr3g", "Errors.AuthNKey.NotFound");
  return toView(row);
}

export function listAppKeys(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string, options: ListOptions): Promise<Page<AppKeyView>> {
  return paged(keysOfApp(db, instanceId, orgId, projectId, appId), (q) => q.selectAll(), "id", "sequence", options, toView);
}
