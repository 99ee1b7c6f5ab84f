import { randomInt } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "./config.js";
import type { DatabaseTarget } from "./store/database.js";

export const MASTER_KEY_FILE = "masterkey";
export const MASTER_KEY_LENGTH = 32;

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * The master key that encrypts the instance's token-signing keys. Given, it is used as it is. On the
 * embedded database it is otherwise kept beside the database in `<data dir>/masterkey` (mode 0600),
 * made on first start. A shared Postgres database
 * needs the same key in every process, so there it must be given.
 */
export async function resolveMasterKey(given: string | undefined, dataDir: string, target: DatabaseTarget): Promise<string> {
  if (given !== undefined) return given;
  if (target.kind === "postgres") throw new ConfigError("KEYGATE_MASTERKEY is required with DATABASE_URL: 32 characters, the same in every keygate process on that database");
  const path = join(dataDir, MASTER_KEY_FILE);
  const existing = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const key = existing.trim();
    if (key.length !== MASTER_KEY_LENGTH) throw new ConfigError(`${path} must hold exactly ${MASTER_KEY_LENGTH} characters`);
    return key;
  }
  const key = generateMasterKey();
  await mkdir(dataDir, { recursive: true });
  // "wx": two processes starting at once cannot both write; the loser reads the winner's key.
  try {
    await writeFile(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return resolveMasterKey(undefined, dataDir, target);
    throw error;
  }
  return key;
}

function generateMasterKey(): string {
  let key = "";
  for (let i = 0; i < MASTER_KEY_LENGTH; i++) key += ALPHABET[randomInt(ALPHABET.length)];
  return key;
}
