import type { Kysely, Selectable } from "kysely";
import type { LifecycleState } from "../../domain/project.js";
import type { AccessTokenType } from "../../domain/user.js";
import { precompile, rowsOf } from "../precompiled.js";
import { ACTIVE } from "../projections/row-metadata.js";
import type { Database, UsersTable } from "../schema.js";

/**
 * What the token endpoint needs to authenticate a service user, instance-wide (the caller is not
 * known yet). Inactive users are returned too, with their state, so that the endpoint decides.
 */
export interface MachineUserCredentials {
  instanceId: string;
  userId: string;
  /** The org the user belongs to (its resource owner). */
  orgId: string;
  userName: string;
  state: LifecycleState;
  accessTokenType: AccessTokenType;
  /** The hash of its client secret (verify with `verifySecret`); absent when it has none or it was removed. */
  secretHash?: string;
}

/** A service user's key as the JWT profile grant checks an assertion against it. */
export interface MachineKeyCredentials {
  instanceId: string;
  keyId: string;
  userId: string;
  orgId: string;
  /** SPKI PEM of the RSA public key. */
  publicKeyPem: string;
  /** The key stops being usable then (9999-12-31T23:59:59Z when none was set). */
  expiration: Date;
}

const credentialColumns = ["instance_id", "id", "owner", "user_name", "state", "access_token_type", "secret_hash"] as const;
type CredentialRow = Pick<Selectable<UsersTable>, (typeof credentialColumns)[number]>;

const toCredentials = (row: CredentialRow): MachineUserCredentials => ({
  instanceId: row.instance_id,
  userId: row.id,
  orgId: row.owner,
  userName: row.user_name,
  state: row.state === ACTIVE ? "active" : "inactive",
  accessTokenType: row.access_token_type as AccessTokenType,
  ...(row.secret_hash === null ? {} : { secretHash: row.secret_hash }),
});

// Compiled once: the token endpoint runs these on every grant.
const usersNamed = precompile((db, userName: string) => db.selectFrom("users").select(credentialColumns).where("user_name", "=", userName).limit(2));
const userNamedInDomain = precompile((db, userName: string, domain: string) =>
  db
    .selectFrom("users")
    .innerJoin("orgs", (join) => join.onRef("orgs.instance_id", "=", "users.instance_id").onRef("orgs.id", "=", "users.owner"))
    .select(credentialColumns.map((column) => `users.${column}` as const))
    .where("users.user_name", "=", userName)
    .where("orgs.primary_domain", "=", domain),
);
const userWithId = precompile((db, userId: string) => db.selectFrom("users").select(credentialColumns).where("id", "=", userId));
const machineKey = precompile((db, userId: string, keyId: string) =>
  db.selectFrom("machine_keys").select(["instance_id", "id", "user_id", "owner", "public_key", "expiration"]).where("user_id", "=", userId).where("id", "=", keyId),
);

/**
 * The service user a client id names (client credentials grant). The client id is the user name,
 * as in ZITADEL; user names are unique per org only, so a name several orgs use names nobody, and
 * `userName@primaryDomain` (the org's primary domain) then picks one.
 */
export async function findMachineUserByClientId(db: Kysely<Database>, clientId: string): Promise<MachineUserCredentials | undefined> {
  const byName = await rowsOf(db, usersNamed(db, clientId));
  if (byName.length === 1) return toCredentials(byName[0]!);
  const at = clientId.lastIndexOf("@");
  if (byName.length > 1 || at <= 0) return undefined;
  const [row] = await rowsOf(db, userNamedInDomain(db, clientId.slice(0, at), clientId.slice(at + 1)));
  return row && toCredentials(row);
}

/** The service user with this id (the `iss`/`sub` of a JWT profile assertion, or a token's subject). */
export async function findMachineUserById(db: Kysely<Database>, userId: string): Promise<MachineUserCredentials | undefined> {
  const [row] = await rowsOf(db, userWithId(db, userId));
  return row && toCredentials(row);
}

/**
 * One key of one service user (the assertion's `kid` and `iss`), expired or not: the caller compares
 * `expiration` with its clock. A removed key, or any key of a removed user, is not found.
 */
export async function findMachineKey(db: Kysely<Database>, userId: string, keyId: string): Promise<MachineKeyCredentials | undefined> {
  const [row] = await rowsOf(db, machineKey(db, userId, keyId));
  return (
    row && {
      instanceId: row.instance_id,
      keyId: row.id,
      userId: row.user_id,
      orgId: row.owner,
      publicKeyPem: Buffer.from(row.public_key, "base64").toString("utf8"),
      expiration: row.expiration,
    }
  );
}
