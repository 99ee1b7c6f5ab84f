import type { Kysely, Selectable } from "kysely";
import { notFound } from "../../domain/errors.js";
import { precompile, rowsOf } from "../precompiled.js";
import type { Database, ProjectsTable } from "../schema.js";
import { textCondition, type ListOptions, type Page, type TextQuery } from "./list-options.js";
import { paged } from "./paged.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

export interface ProjectView {
  id: string;
  name: string;
  state: number;
  projectRoleAssertion: boolean;
  projectRoleCheck: boolean;
  hasProjectCheck: boolean;
  privateLabelingSetting: number;
  details: ReadDetails;
}

export interface ProjectFilter {
  names: TextQuery[];
  resourceOwners: string[];
  /** For callers with project roles only: the projects they may see (never empty). */
  projectScope: "all" | string[];
}

const toView = (row: Selectable<ProjectsTable>): ProjectView => ({
  id: row.id,
  name: row.name,
  state: row.state,
  projectRoleAssertion: row.project_role_assertion,
  projectRoleCheck: row.project_role_check,
  hasProjectCheck: row.has_project_check,
  privateLabelingSetting: row.private_labeling_setting,
  details: readDetails(row, row.owner),
});

/** A project's row, if it exists in the org: another org's project is as absent as one that never existed. */
const projectById = precompile((db, instanceId: string, orgId: string, projectId: string) =>
  db.selectFrom("projects").selectAll().where("instance_id", "=", instanceId).where("owner", "=", orgId).where("id", "=", projectId),
);

export async function findProjectRow(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string): Promise<Selectable<ProjectsTable> | undefined> {
  const [row] = await rowsOf(db, projectById(db, instanceId, orgId, projectId));
  return row;
}

export async function getProject(db: Kysely<Database>, instanceId: string, orgId: string, projectId: string): Promise<ProjectView> {
  const row = await findProjectRow(db, instanceId, orgId, projectId);
  if (!row) throw notFound("QUERY-fk2fs", "Project not found");
  return toView(row);
}

/** Projects of the org context; a resource-owner query can only narrow, never widen, that scope. */
export function listProjects(db: Kysely<Database>, instanceId: string, orgId: string, filter: ProjectFilter, options: ListOptions): Promise<Page<ProjectView>> {
  let query = db.selectFrom("projects").where("instance_id", "=", instanceId).where("owner", "=", orgId);
  for (const name of filter.names) query = query.where(textCondition("name", name));
  for (const owner of filter.resourceOwners) query = query.where("owner", "=", owner);
  if (filter.projectScope !== "all") query = query.where("id", "in", filter.projectScope);
  return paged(query, (q) => q.selectAll(), "id", "sequence", options, toView);
}
