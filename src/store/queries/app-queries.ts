import type { Kysely, QueryCreator } from "kysely";
import type { ApiAuthMethod } from "../../domain/app.js";
import { notFound } from "../../domain/errors.js";
import { precompile, rowsOf } from "../precompiled.js";
import type { Database } from "../schema.js";
import { textCondition, type ListOptions, type Page, type TextQuery } from "./list-options.js";
import { countMatches, pageWithTotals, type PageWindow, type Totals } from "./paged.js";
import { findProjectRow } from "./project-queries.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

export interface AppView {
  id: string;
  name: string;
  state: number;
  clientId: string;
  authMethod: ApiAuthMethod;
  details: ReadDetails;
}

const appColumns = [
  "apps.id",
  "apps.name",
  "apps.state",
  "apps.owner",
  "apps.sequence",
  "apps.creation_date",
  "apps.change_date",
  "app_api_configs.client_id",
  "app_api_configs.auth_method",
] as const;

function appsOfProject(db: QueryCreator<Database>, instanceId: string, orgId: string, projectId: string) {
  return db.selectFrom("apps").where("apps.instance_id", "=", instanceId).where("apps.owner", "=", orgId).where("apps.project_id", "=", projectId);
}

type AppsQuery = ReturnType<typeof appsOfProject>;

/** Joins each app's API config: on the apps table, or on a page of it selected as "apps". */
const withConfigs = <Q extends Pick<AppsQuery, "innerJoin">>(query: Q) =>
  query
    .innerJoin("app_api_configs", (join) => join.onRef("app_api_configs.instance_id", "=", "apps.instance_id").onRef("app_api_configs.app_id", "=", "apps.id"))
    .select(appColumns);

/**
 * The page's apps are taken from the project's index first and only then joined with their
 * configs: joined in one step, Postgres may merge-join along both tables' keys and walk past the
 * configs of every newer app of other projects (23 ms with 80k of them, against 0.1 ms).
 */
function pageOfApps(db: Kysely<Database>, query: AppsQuery, { direction, offset, limit }: PageWindow): Promise<AppRow[]> {
  const page = query.selectAll("apps").orderBy("apps.id", direction).offset(offset).limit(limit);
  return withConfigs(db.selectFrom(page.as("apps"))).orderBy("apps.id", direction).execute();
}

type AppRow = {
  id: string;
  name: string;
  state: number;
  owner: string;
  sequence: number;
  creation_date: Date;
  change_date: Date;
  client_id: string;
  auth_method: number;
};

const toView = (row: AppRow): AppView => ({
  id: row.id,
  name: row.name,
  state: row.state,
  clientId: row.client_id,
  authMethod: row.auth_method as ApiAuthMethod,
  details: readDetails(row, row.owner),
});

const appById = precompile((db, instanceId: string, orgId: string, projectId: string, appId: string) =>
  withConfigs(appsOfProject(db, instanceId, orgId, projectId).where("apps.id", "=", appId)),
);

export async function getApp(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, appId: string): Promise<AppView> {
  const [row] = await rowsOf(db, appById(db, instanceId, orgId, projectId, appId));
  if (!row) throw notFound("QUERY-pCP8P", "Errors.App.NotExisting");
  return toView(row);
}

/**
 * An unknown (or foreign) project simply has no apps. Without a name query the total is the app
 * count kept on the project's row, so a page costs the same at 10 apps as at 100k; with one, the
 * matches are counted. processedSequence is the project's latest app event whatever the filter: like
 * ZITADEL's (the projection's processed state), it says how current the list is, and it covers
 * removals, which leave no row behind.
 */
export function listApps(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  projectId: string,
  names: TextQuery[],
  options: ListOptions,
): Promise<Page<AppView>> {
  let query = appsOfProject(db, instanceId, orgId, projectId);
  for (const name of names) query = query.where(textCondition("apps.name", name));
  const filtered = names.length > 0 ? query : undefined;
  return pageWithTotals(() => appTotals(db, instanceId, orgId, projectId, filtered), (window) => pageOfApps(db, query, window), options, toView);
}

/** The project's app count (or the count of `filtered`, if given) and latest app event. */
async function appTotals(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string, filtered?: AppsQuery): Promise<Totals> {
  const project = await findProjectRow(db, instanceId, orgId, projectId);
  if (!project) return { total: 0, latest: 0 };
  const total = filtered ? (await countMatches(filtered, "apps.sequence")).total : project.app_count;
  return { total, latest: project.apps_sequence };
}
