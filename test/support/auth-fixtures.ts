/** Service users, their tokens and roles, for the identity and isolation tests (test/e2e/auth-*.test.ts). */
import { randomBytes } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { TestKeygate } from "./keygate-server.js";
import type { ManagementClient } from "./management-client.js";

export interface ServiceUser {
  userId: string;
  userName: string;
  /** The personal access token, as AddPersonalAccessToken returned it (once). */
  token: string;
  tokenId: string;
}

/** A name no other test object has, so that it can be searched for in responses. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(5).toString("hex")}`;

/**
 * A machine user in the org context of `admin` (a client with x-zitadel-orgid set, or the caller's own org)
 * with one personal access token, optionally expiring at `expiresAt`.
 */
export async function addServiceUser(admin: ManagementClient, prefix: string, options: { userId?: string; expiresAt?: Date } = {}): Promise<ServiceUser> {
  const userName = uniqueName(prefix);
  const added = await admin.addMachineUser({ userName, name: userName, ...(options.userId === undefined ? {} : { userId: options.userId }) });
  const pat = await admin.addPersonalAccessToken({
    userId: added.userId,
    ...(options.expiresAt === undefined ? {} : { expirationDate: timestampFromDate(options.expiresAt) }),
  });
  return { userId: added.userId, userName, token: pat.token, tokenId: pat.tokenId };
}

/** A service user that is a member of `admin`'s org context with `roles`. */
export async function addOrgMemberUser(admin: ManagementClient, prefix: string, roles: string[]): Promise<ServiceUser> {
  const user = await addServiceUser(admin, prefix);
  await admin.addOrgMember({ userId: user.userId, roles });
  return user;
}

/** A service user of `admin`'s org context that is a member of one of its projects with `roles`. */
export async function addProjectMemberUser(admin: ManagementClient, prefix: string, projectId: string, roles: string[]): Promise<ServiceUser> {
  const user = await addServiceUser(admin, prefix);
  await admin.addProjectMember({ projectId, userId: user.userId, roles });
  return user;
}

/** How many events an org owns (every aggregate of the org, its projects, apps, keys, users and members). */
export async function eventCountOf(keygate: TestKeygate, orgId: string): Promise<number> {
  const row = await keygate.store.db
    .selectFrom("events2")
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
    .where("owner", "=", orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every projection row an org owns (and the org row itself), serialized in a stable order. */
export async function projectionRowsOf(keygate: TestKeygate, orgId: string): Promise<string[]> {
  const db = keygate.store.db;
  const tables = [
    await db.selectFrom("orgs").selectAll().where("id", "=", orgId).execute(),
    await db.selectFrom("projects").selectAll().where("owner", "=", orgId).execute(),
    await db.selectFrom("project_roles").selectAll().where("owner", "=", orgId).execute(),
    await db.selectFrom("apps").selectAll().where("owner", "=", orgId).execute(),
    await db.selectFrom("app_keys").selectAll().where("owner", "=", orgId).execute(),
    await db.selectFrom("users").selectAll().where("owner", "=", orgId).execute(),
    await db.selectFrom("personal_access_tokens").selectAll().where("owner", "=", orgId).execute(),
    await db.selectFrom("machine_keys").selectAll().where("owner", "=", orgId).execute(),
    await db.selectFrom("members").selectAll().where("owner", "=", orgId).execute(),
  ];
  return tables.flatMap((rows) => rows.map((row) => JSON.stringify(row))).sort();
}
