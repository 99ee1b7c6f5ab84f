/**
 * The test run's global setup: makes sure the Postgres half of the tests has a server and both halves have
 * a migrated template (see database-templates.ts). The server is TEST_DATABASE_URL when set, else a
 * throwaway cluster started here (throwaway-postgres.ts) and stopped by the teardown. Nothing
 * is skipped for want of a database: if neither can be had, the run fails here.
 * It also bundles the server once for the tests that run keygate as a process (keygate-process.ts),
 * builds the Buf image that `buf curl` takes as its schema (buf.ts), makes sure the pool of RSA key
 * pairs exists (key-pair-pool.ts), and has a Chromium for the browser tests (chromium.ts). It names
 * where the workers' pools of lent databases keep theirs (a directory for the embedded engines' data
 * dirs, a prefix for the Postgres databases: lending-pool.ts), and the teardown removes what they held.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "../../scripts/node-bundle.js";
import { EMBEDDED_TEMPLATE_ENV, EMPTY_EMBEDDED_TEMPLATE_ENV, POSTGRES_TEMPLATE_ENV, embeddedTemplates, makePostgresTemplate } from "./database-templates.js";
import { BUF_IMAGE_ENV, buildBufImage } from "./buf.js";
import { ENGINE_POOL_DIR_ENV } from "./embedded-engine-pool.js";
import { POSTGRES_POOL_PREFIX_ENV, dropPooledDatabases } from "./postgres-database-pool.js";
import { CHROMIUM_ENV, chromiumExecutable } from "./chromium.js";
import { KEY_PAIR_POOL_ENV, ensureKeyPairPool } from "./key-pair-pool.js";
import { TEST_BUNDLE_ENV } from "./keygate-process.js";
import { useMemoryTmpdir } from "./memory-tmpdir.js";
import { startThrowawayPostgres } from "./throwaway-postgres.js";

/** Undoes the setup, step by step in this order: what was made last goes first. */
const cleanup: Array<() => Promise<void>> = [];

export async function setup(): Promise<void> {
  try {
    // First and alone: unpacking the packaged Chromium changes TMPDIR meanwhile (chromium.ts).
    process.env[CHROMIUM_ENV] = await chromiumExecutable();
    const memory = await useMemoryTmpdir();
    if (memory) cleanup.unshift(memory);
    const enginePool = await mkdtemp(join(tmpdir(), "keygate-test-engines-"));
    cleanup.unshift(() => rm(enginePool, { recursive: true, force: true }));
    process.env[ENGINE_POOL_DIR_ENV] = enginePool;
    const templates = embeddedTemplates();
    const bundle = buildTestBundle();
    const keyPairPool = ensureKeyPairPool();
    // Awaited with the others below; until then a failure must not count as unhandled.
    for (const started of [templates, bundle, keyPairPool]) started.catch(() => {});
    let serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) {
      const cluster = await startThrowawayPostgres();
      cleanup.unshift(cluster.stop);
      serverUrl = cluster.url;
      process.env.TEST_DATABASE_URL = serverUrl;
    }
    const [embedded, postgres, built, image] = await Promise.allSettled([templates, makePostgresTemplate(serverUrl), bundle, buildBufImage()]);
    // Templates go before the cluster's stop: dropping one needs the server.
    for (const made of [embedded, postgres, built, image]) if (made.status === "fulfilled") cleanup.unshift(made.value.remove);
    if (embedded.status === "rejected") throw embedded.reason;
    if (postgres.status === "rejected") throw postgres.reason;
    if (built.status === "rejected") throw built.reason;
    if (image.status === "rejected") throw image.reason;
    process.env[EMBEDDED_TEMPLATE_ENV] = embedded.value.migrated;
    process.env[EMPTY_EMBEDDED_TEMPLATE_ENV] = embedded.value.empty;
    process.env[POSTGRES_TEMPLATE_ENV] = postgres.value.name;
    const poolPrefix = `keygate_pool_${process.pid}_`;
    process.env[POSTGRES_POOL_PREFIX_ENV] = poolPrefix;
    // Before the template's removal and the cluster's stop: what the workers' pools still held.
    const pooledServer = serverUrl;
    cleanup.unshift(() => dropPooledDatabases(pooledServer, poolPrefix));
    process.env[TEST_BUNDLE_ENV] = built.value.file;
    process.env[BUF_IMAGE_ENV] = image.value.file;
    process.env[KEY_PAIR_POOL_ENV] = await keyPairPool;
  } catch (error) {
    // The teardown does not run after a failed setup.
    for (const step of cleanup.splice(0)) await step().catch(() => {});
    throw error;
  }
}

/** Removes the templates, the bundle and the image, stops the throwaway cluster, then removes the temp dir in memory. */
export async function teardown(): Promise<void> {
  for (const step of cleanup.splice(0)) await step();
}

/**
 * The server bundled as `npm run build:server` does, into dist/ beside where it builds main.js (so
 * that the bundle finds package.json above it, the console beside it and node_modules), under a name
 * of this run's own.
 */
async function buildTestBundle(): Promise<{ file: string; remove(): Promise<void> }> {
  const file = fileURLToPath(new URL(`../../dist/keygate-test-${process.pid}.js`, import.meta.url));
  await bundleForNode(fileURLToPath(new URL("../../src/main.ts", import.meta.url)), file);
  return { file, remove: () => Promise.all([rm(file, { force: true }), rm(`${file}.map`, { force: true })]).then(() => {}) };
}
