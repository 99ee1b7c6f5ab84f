import { sql, type Expression, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ReadScope } from "../../domain/authorization.js";
import { notFound } from "../../domain/errors.js";
import { precompile, rowsOf } from "../precompiled.js";
import type { Database, ProjectsTable } from "../schema.js";
import { textCondition, type ListOptions, type Page, type TextQuery } from "./list-options.js";
import { countMatches, paged, pageWithTotals } from "./paged.js";
import { readDetails, type ReadDetails } from "./projections-read.js";
import { scopeCondition } from "./read-scope.js";

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

/** A condition of the v2 project lists; all of a list's conditions must hold. */
export type ProjectCondition =
  | { kind: "name"; query: TextQuery }
  | { kind: "ids"; ids: readonly string[] }
  | { kind: "org"; orgId: string }
  /** What no project matches (projects granted to an org: keygate has no project grants). */
  | { kind: "nothing" };

/** The v2 lists' sorting columns, by ZITADEL's numbers (ProjectFieldName); unspecified is the creation date, as ZITADEL's. */
export enum ProjectSortColumn {
  Unspecified = 0,
  Id = 1,
  CreationDate = 2,
  ChangeDate = 3,
  Name = 4,
}

const projectSortColumns: Record<ProjectSortColumn, string> = {
  [ProjectSortColumn.Unspecified]: "creation_date",
  [ProjectSortColumn.Id]: "id",
  [ProjectSortColumn.CreationDate]: "creation_date",
  [ProjectSortColumn.ChangeDate]: "change_date",
  [ProjectSortColumn.Name]: "name",
};

function projectCondition(condition: ProjectCondition): Expression<SqlBool> {
  switch (condition.kind) {
    case "name":
      return textCondition("name", condition.query);
    case "ids":
      return condition.ids.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`id in (${sql.join(condition.ids)})`;
    case "org":
      return sql<SqlBool>`owner = ${condition.orgId}`;
    case "nothing":
      return sql<SqlBool>`false`;
  }
}

/**
 * The v2 list: the projects of every org and project in `scope` that meet every condition, ordered
 * by `sortBy` (then by id, so that pages never overlap), descending unless `asc`.
 */
export function listProjectsInScope(
  db: Kysely<Database>,
  instanceId: string,
  scope: ReadScope,
  conditions: readonly ProjectCondition[],
  sortBy: ProjectSortColumn,
  options: ListOptions,
): Promise<Page<ProjectView>> {
  let query = db.selectFrom("projects").where("instance_id", "=", instanceId).where(scopeCondition(scope, "owner", "id"));
  for (const condition of conditions) query = query.where(projectCondition(condition));
  const column = sql.ref(projectSortColumns[sortBy] ?? "creation_date");
  return pageWithTotals(
    () => countMatches(query, "sequence"),
    ({ direction, offset, limit }) => query.selectAll().orderBy(column, direction).orderBy("id", direction).offset(offset).limit(limit).execute(),
    options,
    toView,
  );
}
