import type { CompiledQuery, Kysely } from "kysely";
import { digestsEqual } from "../../domain/secrets.js";
import { rowsOf } from "../precompiled.js";
import type { Database } from "../schema.js";

/** What every token keygate issued tells introspection, a service user's and an app's own alike. */
export interface TokenFacts {
  id: string;
  orgId: string;
  orgName: string;
  orgPrimaryDomain: string;
  clientId: string;
  audience: string[];
  scopes: string[];
  tokenType: "bearer" | "jwt";
  issuedAt: Date;
  expiresAt: Date;
}

/** The columns TokenFacts come from: of the token's row (as `t`, in either token table) and of its org (as `o`). */
export const TOKEN_COLUMNS = [
  "t.id",
  "t.owner",
  "o.name as org_name",
  "o.primary_domain",
  "t.client_id",
  "t.audience",
  "t.scopes",
  "t.token_type",
  "t.token_digest",
  "t.creation_date",
  "t.expiration",
] as const;

interface TokenRow {
  id: string;
  owner: string;
  org_name: string;
  primary_domain: string;
  client_id: string;
  audience: string[];
  scopes: string[];
  token_type: string | null;
  token_digest: string | null;
  creation_date: Date;
  expiration: Date | null;
}

type TokenQuery<Row> = (db: Kysely<Database>, instanceId: string, key: string, now: Date) => CompiledQuery<Row>;

/**
 * The row of an unexpired token, an opaque one by its digest (`byDigest`), a JWT's by its id, the `jti`
 * (`byId`), with its facts. Found by index, a digest is compared again in constant time, as personal
 * access tokens are.
 */
export async function findTokenRow<Row extends TokenRow>(
  db: Kysely<Database>,
  queries: { byDigest: TokenQuery<Row>; byId: TokenQuery<Row> },
  instanceId: string,
  by: { digest: string } | { id: string },
  now: Date,
): Promise<{ row: Row; facts: TokenFacts } | undefined> {
  const query = "digest" in by ? queries.byDigest(db, instanceId, by.digest, now) : queries.byId(db, instanceId, by.id, now);
  const [row] = await rowsOf(db, query);
  if (!row || row.expiration === null) return undefined;
  if ("digest" in by && !digestsEqual(row.token_digest ?? "", by.digest)) return undefined;
  return {
    row,
    facts: {
      id: row.id,
      orgId: row.owner,
      orgName: row.org_name,
      orgPrimaryDomain: row.primary_domain,
      clientId: row.client_id,
      audience: row.audience,
      scopes: row.scopes,
      tokenType: row.token_type === "jwt" ? "jwt" : "bearer",
      issuedAt: row.creation_date,
      expiresAt: row.expiration,
    },
  };
}
