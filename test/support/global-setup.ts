/**
 * Jest's global setup: makes sure the Postgres half of the tests has a server and both halves have
 * a migrated template (see database-templates.ts). The server is TEST_DATABASE_URL when set, else a
 * throwaway cluster started here (throwaway-postgres.ts) and stopped by global-teardown.ts. Nothing
 * is skipped for want of a database: if neither can be had, the run fails here.
 */
import { EMBEDDED_TEMPLATE_ENV, POSTGRES_TEMPLATE_ENV, makeEmbeddedTemplate, makePostgresTemplate } from "./database-templates.js";
import { startThrowawayPostgres } from "./throwaway-postgres.js";

/** What global-teardown.ts undoes, in this order. */
export interface SetupCleanup {
  steps: Array<() => Promise<void>>;
}
declare global {
  // eslint-disable-next-line no-var
  var keygateTestCleanup: SetupCleanup | undefined;
}

export default async function globalSetup(): Promise<void> {
  const cleanup: SetupCleanup = { steps: [] };
  globalThis.keygateTestCleanup = cleanup;
  try {
    const embeddedTemplate = makeEmbeddedTemplate();
    let serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) {
      const cluster = await startThrowawayPostgres();
      cleanup.steps.push(cluster.stop);
      serverUrl = cluster.url;
      process.env.TEST_DATABASE_URL = serverUrl;
    }
    const [embedded, postgres] = await Promise.allSettled([embeddedTemplate, makePostgresTemplate(serverUrl)]);
    // Templates go before the cluster's stop: dropping one needs the server.
    for (const made of [embedded, postgres]) if (made.status === "fulfilled") cleanup.steps.unshift(made.value.remove);
    if (embedded.status === "rejected") throw embedded.reason;
    if (postgres.status === "rejected") throw postgres.reason;
    process.env[EMBEDDED_TEMPLATE_ENV] = embedded.value.dir;
    process.env[POSTGRES_TEMPLATE_ENV] = postgres.value.name;
  } catch (error) {
    // Jest does not run the teardown after a failed setup.
    for (const step of cleanup.steps) await step().catch(() => {});
    throw error;
  }
}
