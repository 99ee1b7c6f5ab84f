import { sql, type Transaction } from "kysely";
import { NO_EXPIRATION } from "../../domain/authn-key.js";
import { addInstance } from "../../domain/instance.js";
import { addInstanceMember } from "../../domain/member.js";
import { addOrg } from "../../domain/org.js";
import { IAM_OWNER } from "../../domain/roles.js";
import { accessTokenDigest, generateAccessToken } from "../../domain/secrets.js";
import { addMachineUser, addPersonalAccessToken, removePersonalAccessToken } from "../../domain/user.js";
import type { Actor } from "../event-store.js";
import type { Database } from "../schema.js";
import type { CommandDeps } from "./command-deps.js";

export interface BootstrapOptions {
  instanceName: string;
  instanceDomain: string;
  firstOrgName: string;
  /** A token to accept for the admin; when absent one is generated on first start. */
  adminToken: string | undefined;
}

export interface BootstrapResult {
  instanceId: string;
  adminUserId: string;
  /** Set only when this start created a token nobody was given yet: to be handed over once. */
  generatedAdminToken?: string;
  /** Earlier bootstrap tokens that a changed KEYGATE_ADMIN_TOKEN replaced and this start revoked. */
  revokedAdminTokens: number;
}

const ADMIN_USER_NAME = "admin";
/**
 * The creator of the admin tokens bootstrap adds (as ZITADEL's setup writes as SYSTEM): it tells them
 * from tokens someone added to the admin through the API, which a changed admin token leaves alone.
 */
const BOOTSTRAP_CREATOR = "SYSTEM";
// Any constant will do: it only has to be the same in every keygate process on the database.
const BOOTSTRAP_LOCK_KEY = 7_245_001;

/**
 * On first start: an instance, the first org, an admin service user with IAM_OWNER and a personal
 * access token. Later starts find the instance; a configured admin token that is not known yet is
 * added to the admin, and the bootstrap tokens it replaces (an earlier KEYGATE_ADMIN_TOKEN, or the
 * generated one) are revoked. Processes starting together on one database take turns on an advisory lock.
 */
export async function bootstrap(deps: CommandDeps, options: BootstrapOptions): Promise<BootstrapResult> {
  /** A never-expiring personal access token for the admin, known to the store by its digest only. */
  const addAdminToken = (tx: Transaction<Database>, admin: Actor, digest: string) => {
    const adminUser = { id: admin.userId, owner: admin.orgId, userName: ADMIN_USER_NAME, state: "active" as const };
    return deps.store.push(tx, { ...admin, userId: BOOTSTRAP_CREATOR }, addPersonalAccessToken(adminUser, deps.ids.next(), digest, NO_EXPIRATION, deps.now()));
  };
  /** Revokes the admin's live bootstrap tokens: the configured token changed, they are what it replaces. */
  const revokeBootstrapTokens = async (tx: Transaction<Database>, admin: Actor) => {
    const replaced = await tx
      .selectFrom("personal_access_tokens as pat")
      .innerJoin("events2 as e", (join) =>
        join
          .onRef("e.instance_id", "=", "pat.instance_id")
          .on("e.aggregate_type", "=", "user")
          .onRef("e.aggregate_id", "=", "pat.user_id")
          .on("e.event_type", "=", "user.personal.access.token.added")
          .on(sql`e.payload->>'tokenId'`, "=", sql.ref("pat.id")),
      )
      .select("pat.id")
      .where("pat.instance_id", "=", admin.instanceId)
      .where("pat.user_id", "=", admin.userId)
      .where("e.creator", "=", BOOTSTRAP_CREATOR)
      .execute();
    for (const token of replaced) await deps.store.push(tx, { ...admin, userId: BOOTSTRAP_CREATOR }, removePersonalAccessToken(admin.userId, token));
    return replaced.length;
  };
  return deps.store.transaction(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`.execute(tx);
    const existing = await tx
      .selectFrom("instances")
      .innerJoin("users", "users.instance_id", "instances.id")
      .select(["instances.id as instanceId", "users.id as userId", "users.owner as orgId"])
      .where("users.user_name", "=", ADMIN_USER_NAME)
      .orderBy("users.creation_date")
      .executeTakeFirst();

    if (existing) {
      const admin: Actor = { instanceId: existing.instanceId, orgId: existing.orgId, userId: existing.userId };
      let revokedAdminTokens = 0;
      if (options.adminToken !== undefined) {
        const digest = accessTokenDigest(options.adminToken);
        const known = await tx.selectFrom("personal_access_tokens").select("id").where("token_digest", "=", digest).executeTakeFirst();
        if (!known) {
          revokedAdminTokens = await revokeBootstrapTokens(tx, admin);
          await addAdminToken(tx, admin, digest);
        }
      }
      return { instanceId: admin.instanceId, adminUserId: admin.userId, revokedAdminTokens };
    }

    const instanceId = deps.ids.next();
    const orgId = deps.ids.next();
    const userId = deps.ids.next();
    const admin: Actor = { instanceId, orgId, userId };
    const token = options.adminToken ?? generateAccessToken();
    await deps.store.push(tx, admin, addInstance(instanceId, options.instanceName), instanceId);
    await deps.store.push(tx, admin, addMachineUser(userId, orgId, { userName: ADMIN_USER_NAME, name: "keygate admin" }));
    await deps.store.push(tx, admin, addOrg(orgId, options.firstOrgName, options.instanceDomain, userId), orgId);
    await deps.store.push(tx, admin, addInstanceMember(instanceId, userId, [IAM_OWNER]), instanceId);
    await addAdminToken(tx, admin, accessTokenDigest(token));
    return { instanceId, adminUserId: userId, revokedAdminTokens: 0, ...(options.adminToken === undefined ? { generatedAdminToken: token } : {}) };
  });
}
