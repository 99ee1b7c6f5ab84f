import type { Kysely } from "kysely";
import { precompile, rowsOf } from "../precompiled.js";
import type { Database } from "../schema.js";

/**
 * Where a project, app or key lives in the instance, whatever the caller's org: the v2 services
 * find the org to act in from the object a request names, then check the caller's permissions
 * there. Nothing else of the object is read here.
 */
export interface ProjectLocation {
  projectId: string;
  orgId: string;
}

export interface AppLocation extends ProjectLocation {
  appId: string;
}

export interface AppKeyLocation extends AppLocation {
  keyId: string;
}

const projectById = precompile((db, instanceId: string, projectId: string) =>
  db.selectFrom("projects").select(["id", "owner"]).where("instance_id", "=", instanceId).where("id", "=", projectId),
);

export async function locateProject(db: Kysely<Database>, instanceId: string, projectId: string): Promise<ProjectLocation | undefined> {
  const [row] = await rowsOf(db, projectById(db, instanceId, projectId));
  return row && { projectId: row.id, orgId: row.owner };
}

const appById = precompile((db, instanceId: string, appId: string) =>
  db.selectFrom("apps").select(["id", "project_id", "owner"]).where("instance_id", "=", instanceId).where("id", "=", appId),
);

export async function locateApp(db: Kysely<Database>, instanceId: string, appId: string): Promise<AppLocation | undefined> {
  const [row] = await rowsOf(db, appById(db, instanceId, appId));
  return row && { appId: row.id, projectId: row.project_id, orgId: row.owner };
}

/** Keys of apps that are BASIC now are hidden, as everywhere else. */
const keyById = precompile((db, instanceId: string, keyId: string) =>
  db.selectFrom("app_keys").select(["id", "app_id", "project_id", "owner"]).where("instance_id", "=", instanceId).where("id", "=", keyId).where("enabled", "=", true),
);

export async function locateAppKey(db: Kysely<Database>, instanceId: string, keyId: string): Promise<AppKeyLocation | undefined> {
  const [row] = await rowsOf(db, keyById(db, instanceId, keyId));
  return row && { keyId: row.id, appId: row.app_id, projectId: row.project_id, orgId: row.owner };
}
