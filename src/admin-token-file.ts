import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const ADMIN_TOKEN_FILE = "admin.pat";

/**
 * Writes a generated admin token, readable by the owner only. A token is only generated when the
 * instance is created, so a file left from an earlier database is stale and replaced; the file is
 * created afresh (flag "wx") so that its mode is 0600 whatever the old one had.
 */
export async function writeAdminTokenFile(dataDir: string, token: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  await rm(path, { force: true });
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: "wx" });
  return path;
}

/** Removes a generated admin token's file once that token is revoked; a missing file is fine. */
export async function removeAdminTokenFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, ADMIN_TOKEN_FILE), { force: true });
}
