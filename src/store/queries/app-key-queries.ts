import { sql, type Kysely, type Selectable } from "kysely";
import type { ReadScope } from "../../domain/authorization.js";
import { notFound } from "../../domain/errors.js";
import type { AppKeysTable, Database } from "../schema.js";
import { toKeyView, type KeyView } from "./key-view.js";
import type { ListOptions, Page } from "./list-options.js";
import { countMatches, paged, pageWithTotals } from "./paged.js";
import { scopeCondition } from "./read-scope.js";

/** An app key with the app and project it belongs to (the v2 lists show them). */
export interface AppKeyView extends KeyView {
  appId: string;
  projectId: string;
}

const toAppKeyView = (row: Selectable<AppKeysTable>): AppKeyView => ({ ...toKeyView(row), appId: row.app_id, projectId: row.project_id });

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

/** A condition of the v2 key lists; all of a list's conditions must hold. */
export type AppKeyCondition = { kind: "app"; appId: string } | { kind: "project"; projectId: string } | { kind: "org"; orgId: string };

/** The v2 lists' sorting columns, by ZITADEL's numbers (ApplicationKeysSorting). */
export enum AppKeySortColumn {
  Id = 0,
  ProjectId = 1,
  AppId = 2,
  CreationDate = 3,
  OrgId = 4,
  Expiration = 5,
  Type = 6,
}

const keySortColumns: Record<AppKeySortColumn, string> = {
  [AppKeySortColumn.Id]: "id",
  [AppKeySortColumn.ProjectId]: "project_id",
  [AppKeySortColumn.AppId]: "app_id",
  [AppKeySortColumn.CreationDate]: "creation_date",
  [AppKeySortColumn.OrgId]: "owner",
  [AppKeySortColumn.Expiration]: "expiration",
  [AppKeySortColumn.Type]: "type",
};

const keyConditionColumn = { app: "app_id", project: "project_id", org: "owner" } as const;
const keyConditionValue = (c: AppKeyCondition) => (c.kind === "app" ? c.appId : c.kind === "project" ? c.projectId : c.orgId);

/** The v2 key list: the keys in `scope` that meet every condition, ordered by `sortBy` then id, descending unless `asc`. */
export function listKeysInScope(
  db: Kysely<Database>,
  instanceId: string,
  scope: ReadScope,
  conditions: readonly AppKeyCondition[],
  sortBy: AppKeySortColumn,
  options: ListOptions,
): Promise<Page<AppKeyView>> {
  let query = db.selectFrom("app_keys").where("instance_id", "=", instanceId).where("enabled", "=", true).where(scopeCondition(scope, "owner", "project_id"));
  for (const condition of conditions) query = query.where(keyConditionColumn[condition.kind], "=", keyConditionValue(condition));
  const column = sql.ref(keySortColumns[sortBy] ?? "id");
  return pageWithTotals(
    () => countMatches(query, "sequence"),
    ({ direction, offset, limit }) => query.selectAll().orderBy(column, direction).orderBy("id", direction).offset(offset).limit(limit).execute(),
    options,
    toAppKeyView,
  );
}
