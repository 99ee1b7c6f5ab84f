import type { Kysely } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { Database } from "../schema.js";
import { toKeyView, type KeyView } from "./key-view.js";
import type { ListOptions, Page } from "./list-options.js";
import { paged } from "./paged.js";

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

export async function getAppKey(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string, keyId: string): Promise<KeyView> {
  const row = await keysOfApp(db, instanceId, orgId, projectId, appId).selectAll().where("id", "=", keyId).executeTakeFirst();
  if (!row) throw notFound("QUERY-Dgr3g", "Errors.AuthNKey.NotFound");
  return toKeyView(row);
}

export function listAppKeys(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string, options: ListOptions): Promise<Page<KeyView>> {
  return paged(keysOfApp(db, instanceId, orgId, projectId, appId), (q) => q.selectAll(), "id", "sequence", options, toKeyView);
}
