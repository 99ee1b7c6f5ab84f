import { sql, type Expression, type SqlBool } from "kysely";
import type { ReadScope } from "../../domain/authorization.js";

/** The rows a read scope reaches: any row, or those of its orgs and its projects (none if both are empty). */
export function scopeCondition(scope: ReadScope, ownerColumn: string, projectColumn: string): Expression<SqlBool> {
  if (scope === "all") return sql<SqlBool>`true`;
  const parts: Expression<SqlBool>[] = [];
  if (scope.orgIds.length > 0) parts.push(sql<SqlBool>`${sql.ref(ownerColumn)} in (${sql.join(scope.orgIds)})`);
  if (scope.projectIds.length > 0) parts.push(sql<SqlBool>`${sql.ref(projectColumn)} in (${sql.join(scope.projectIds)})`);
  return parts.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
