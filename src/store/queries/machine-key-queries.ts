import type { Kysely } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { Database } from "../schema.js";
import { toKeyView, type KeyView } from "./key-view.js";
import type { ListOptions, Page } from "./list-options.js";
import { paged } from "./paged.js";

/** Keys of one service user in the org context (public metadata only). */
const keysOfUser = (db: Kysely<Database>, instanceId: string, orgId: string, userId: string) =>
  db.selectFrom("machine_keys").where("instance_id", "=", instanceId).where("owner", "=", orgId).where("user_id", "=", userId);

export async function getMachineKey(db: Kysely<Database>, instanceId: string, orgId: string, userId: string, keyId: string): Promise<KeyView> {
  const row = await keysOfUser(db, instanceId, orgId, userId).selectAll().where("id", "=", keyId).executeTakeFirst();
  if (!row) throw notFound("QUERY-Dgr3g", "Errors.AuthNKey.NotFound");
  return toKeyView(row);
}

export function listMachineKeys(db: Kysely<Database>, instanceId: string, orgId: string, userId: string, options: ListOptions): Promise<Page<KeyView>> {
  return paged(keysOfUser(db, instanceId, orgId, userId), (q) => q.selectAll(), "id", "sequence", options, toKeyView);
}
