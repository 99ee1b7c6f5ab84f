import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { LabelSelector } from "../../domain/label-selector.js";
import type { Database, ProjectsTable } from "../schema.js";
import { selectorCondition } from "./label-selector-sql.js";
import { keysetPage, type KeysetPage, type KeysetWindow } from "./keyset.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

/** A project as keygate.v1 shows it. */
export interface KeygateProjectView {
  id: string;
  orgId: string;
  name: string;
  state: number;
  description: string;
  labels: Record<string, string>;
  ownerContacts: string[];
  details: ReadDetails;
}

export interface KeygateProjectFilter {
  /** "all", or the projects the caller's project roles reach. */
  projectScope: "all" | string[];
  selector: LabelSelector;
}

/** The sort key of keygate.v1's project lists: the id, unique and never changed. */
export const PROJECT_LIST_KEY = ["projects.id"] as const;

const projectsOfOrg = (db: Kysely<Database>, instanceId: string, orgId: string) =>
  db.selectFrom("projects").where("projects.instance_id", "=", instanceId).where("projects.owner", "=", orgId);

const toView = (row: Selectable<ProjectsTable>): KeygateProjectView => ({
  id: row.id,
  orgId: row.owner,
  name: row.name,
  state: row.state,
  description: row.description,
  labels: row.labels,
  ownerContacts: row.owner_contacts,
  details: readDetails(row, row.owner),
});

export async function getKeygateProject(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string): Promise<KeygateProjectView> {
  const row = await projectsOfOrg(db, instanceId, orgId).where("projects.id", "=", projectId).selectAll("projects").executeTakeFirst();
  if (!row) throw notFound("QUERY-kgP4r", "Project not found");
  return toView(row);
}

export function listKeygateProjects(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  filter: KeygateProjectFilter,
  window: KeysetWindow,
): Promise<KeysetPage<KeygateProjectView>> {
  let query = projectsOfOrg(db, instanceId, orgId);
  if (filter.projectScope !== "all") {
    query = filter.projectScope.length === 0 ? query.where(sql<SqlBool>`false`) : query.where("projects.id", "in", filter.projectScope);
  }
  query = query.where(selectorCondition(filter.selector, "projects.labels"));
  return keysetPage(query, (q) => q.selectAll("projects"), PROJECT_LIST_KEY, (row) => [row.id], window, toView);
}
