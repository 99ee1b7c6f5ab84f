import { sql, type Expression, type SqlBool } from "kysely";
import type { LabelRequirement, LabelSelector } from "../../domain/label-selector.js";

/** The value of label `key` in the JSON object column, as text (null without the label). */
const valueOf = (column: string, key: string) => sql`(${sql.ref(column)} ->> ${key}::text)`;

function requirementCondition(column: string, requirement: LabelRequirement): Expression<SqlBool> {
  const value = valueOf(column, requirement.key);
  switch (requirement.operator) {
    case "exists":
      return sql<SqlBool>`${value} is not null`;
    case "absent":
      return sql<SqlBool>`${value} is null`;
    case "in":
      return sql<SqlBool>`${value} in (${sql.join(requirement.values.map((v) => sql`${v}::text`))})`;
    case "notin":
      // Kubernetes: an object without the label meets `!=` and `notin`.
      return sql<SqlBool>`(${value} is null or ${value} not in (${sql.join(requirement.values.map((v) => sql`${v}::text`))}))`;
  }
}

/** Rows whose labels (a jsonb object of strings in `column`) meet every requirement of `selector`. */
export function selectorCondition(selector: LabelSelector, column: string): Expression<SqlBool> {
  if (selector.length === 0) return sql<SqlBool>`true`;
  return sql<SqlBool>`(${sql.join(
    selector.map((requirement) => requirementCondition(column, requirement)),
    sql` and `,
  )})`;
}
