import { sql, type Kysely, type Selectable } from "kysely";
import type { Database, ProjectRolesTable } from "../schema.js";
import { textCondition, type ListOptions, type Page, type TextQuery } from "./list-options.js";
import { countMatches, pageWithTotals } from "./paged.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

export interface ProjectRoleView {
  projectId: string;
  key: string;
  displayName: string;
  group: string;
  details: ReadDetails;
}

export interface ProjectRoleFilter {
  keys: TextQuery[];
  displayNames: TextQuery[];
}

/** The columns a role list may be sorted by; ties are broken by the key, which is unique in a project. */
export type ProjectRoleSort = "key" | "creation_date" | "change_date";

const toView = (row: Selectable<ProjectRolesTable>): ProjectRoleView => ({
  projectId: row.project_id,
  key: row.key,
  displayName: row.display_name,
  group: row.role_group,
  details: readDetails(row, row.owner),
});

/** The roles of a project of the org; an unknown or foreign project simply has none. */
export function listProjectRoles(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  projectId: string,
  filter: ProjectRoleFilter,
  options: ListOptions,
  sort: ProjectRoleSort = "key",
): Promise<Page<ProjectRoleView>> {
  let query = db.selectFrom("project_roles").where("instance_id", "=", instanceId).where("owner", "=", orgId).where("project_id", "=", projectId);
  for (const key of filter.keys) query = query.where(textCondition("key", key));
  for (const displayName of filter.displayNames) query = query.where(textCondition("display_name", displayName));
  const filtered = query;
  return pageWithTotals(
    () => countMatches(filtered, "sequence"),
    ({ direction, offset, limit }) =>
      filtered.selectAll().orderBy(sql.ref(sort), direction).orderBy("key", direction).offset(offset).limit(limit).execute(),
    options,
    toView,
  );
}
