import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

export interface OrgView {
  id: string;
  name: string;
  state: number;
  primaryDomain: string;
  details: ReadDetails;
}

export async function findOrg(db: Kysely<Database>, instanceId: string, orgId: string): Promise<OrgView | undefined> {
  const row = await db.selectFrom("orgs").selectAll().where("instance_id", "=", instanceId).where("id", "=", orgId).executeTakeFirst();
  return row && { id: row.id, name: row.name, state: row.state, primaryDomain: row.primary_domain, details: readDetails(row, row.id) };
}
