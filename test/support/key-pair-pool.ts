/**
 * RSA key pairs made ahead for the tests. Generating one costs 0.1–0.2 s of CPU, and the suite adds
 * a few hundred app, machine and signing keys where the making of the key is not what is tested.
 * The global setup makes sure that a pool of pairs exists (made once per checkout, kept under
 * node_modules/.cache, where tools keep their caches) and names its file in the environment. Each test
 * file hands its pairs out in order, each at most once, and generates more when they run out: no two
 * keys of one test file are the same, as no two generated keys would be.
 */
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { APP_KEY_BITS, generateRsaKeyPair, type KeyPairSource, type RsaKeyPair } from "../../src/domain/key-pair.js";
import { TEST_CACHE } from "./test-cache.js";

export const KEY_PAIR_POOL_ENV = "KEYGATE_TEST_KEY_PAIRS";

/** More than any test file adds (lifecycle-keys: about 50 over both databases). */
const POOL_SIZE = 96;
const POOL_FILE = join(TEST_CACHE, `rsa-${APP_KEY_BITS}-key-pairs.json`);

function parsePool(text: string): RsaKeyPair[] {
  const pairs: unknown = JSON.parse(text);
  if (!Array.isArray(pairs)) return [];
  return pairs.filter((p): p is RsaKeyPair => typeof p?.privateKeyPem === "string" && typeof p?.publicKeyPem === "string");
}

/** The pool's file, made (or filled up) first when it holds fewer than POOL_SIZE pairs. */
export async function ensureKeyPairPool(): Promise<string> {
  const existing = await readFile(POOL_FILE, "utf8")
    .then(parsePool)
    .catch(() => []);
  if (existing.length >= POOL_SIZE) return POOL_FILE;
  // On the thread pool, several at a time: about 10 s of CPU, once.
  const made = await Promise.all(Array.from({ length: POOL_SIZE - existing.length }, () => generateRsaKeyPair()));
  await mkdir(dirname(POOL_FILE), { recursive: true });
  // Written aside and renamed: a run that reads the file meanwhile sees the old pool or the new one.
  const partial = `${POOL_FILE}.${process.pid}`;
  await writeFile(partial, JSON.stringify([...existing, ...made]), { mode: 0o600 });
  await rename(partial, POOL_FILE);
  return POOL_FILE;
}

let pool: RsaKeyPair[] | undefined;
let handedOut = 0;

/**
 * The tests' KeyPairSource: the pool's next pair, generated ones when the pool is used up (or when the
 * global setup did not name one). Key pairs whose generation is under test come from generateRsaKeyPair.
 */
export const pooledKeyPairs: KeyPairSource = async () => {
  const file = process.env[KEY_PAIR_POOL_ENV];
  pool ??= file ? parsePool(readFileSync(file, "utf8")) : [];
  return handedOut < pool.length ? pool[handedOut++]! : generateRsaKeyPair();
};
