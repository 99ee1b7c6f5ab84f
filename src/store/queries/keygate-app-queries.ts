import { sql, type Kysely, type SqlBool } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { LabelSelector } from "../../domain/label-selector.js";
import type { Database } from "../schema.js";
import { selectorCondition } from "./label-selector-sql.js";
import { keysetPage, type KeysetPage, type KeysetWindow } from "./keyset.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

/** An app as keygate.v1 shows it. */
export interface KeygateAppView {
  id: string;
  projectId: string;
  orgId: string;
  name: string;
  state: number;
  clientId: string;
  version: string;
  description: string;
  labels: Record<string, string>;
  ownerContacts: string[];
  details: ReadDetails;
}

export interface KeygateAppFilter {
  /** Undefined: every project of the org in `projectScope`. */
  projectId: string | undefined;
  /** "all", or the projects the caller's project roles reach. */
  projectScope: "all" | string[];
  selector: LabelSelector;
}

/** The sort key of keygate.v1's app lists: the id, unique and never changed. */
export const APP_LIST_KEY = ["apps.id"] as const;

function appsOfOrg(db: Kysely<Database>, instanceId: string, orgId: string) {
  return db
    .selectFrom("apps")
    .innerJoin("app_api_configs", (join) => join.onRef("app_api_configs.instance_id", "=", "apps.instance_id").onRef("app_api_configs.app_id", "=", "apps.id"))
    .where("apps.instance_id", "=", instanceId)
    .where("apps.owner", "=", orgId);
}

type AppsQuery = ReturnType<typeof appsOfOrg>;

const selectApp = (query: AppsQuery) =>
  query.select([
    "apps.id",
    "apps.project_id",
    "apps.owner",
    "apps.name",
    "apps.state",
    "apps.sequence",
    "apps.creation_date",
    "apps.change_date",
    "apps.version",
    "apps.description",
    "apps.labels",
    "apps.owner_contacts",
    "app_api_configs.client_id",
  ]);

type AppRow = Awaited<ReturnType<ReturnType<typeof selectApp>["executeTakeFirstOrThrow"]>>;

const toView = (row: AppRow): KeygateAppView => ({
  id: row.id,
  projectId: row.project_id,
  orgId: row.owner,
  name: row.name,
  state: row.state,
  clientId: row.client_id,
  version: row.version,
  description: row.description,
  labels: row.labels,
  ownerContacts: row.owner_contacts,
  details: readDetails(row, row.owner),
});

export async function getKeygateApp(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string): Promise<KeygateAppView> {
  const row = await selectApp(appsOfOrg(db, instanceId, orgId).where("apps.project_id", "=", projectId).where("apps.id", "=", appId)).executeTakeFirst();
  if (!row) throw notFound("QUERY-kgA9p", "Errors.App.NotExisting");
  return toView(row);
}

export function listKeygateApps(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  filter: KeygateAppFilter,
  window: KeysetWindow,
): Promise<KeysetPage<KeygateAppView>> {
  let query = appsOfOrg(db, instanceId, orgId);
  if (filter.projectId !== undefined) query = query.where("apps.project_id", "=", filter.projectId);
  if (filter.projectScope !== "all") {
    query = filter.projectScope.length === 0 ? query.where(sql<SqlBool>`false`) : query.where("apps.project_id", "in", filter.projectScope);
  }
  query = query.where(selectorCondition(filter.selector, "apps.labels"));
  return keysetPage(query, selectApp, APP_LIST_KEY, (row) => [row.id], window, toView);
}
