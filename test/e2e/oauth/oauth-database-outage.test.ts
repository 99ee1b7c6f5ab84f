/**
 * A database that refuses connections is a fault outside keygate: the OAuth endpoints answer 503
 * temporarily_unavailable (never 500, never a crash), and serve again once it is back.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { onServer } from "../../support/database-templates.js";
import { postgresBackend } from "../../support/backends.js";
import { startAdminSession, type AdminSession } from "../../support/keygate-server.js";
import { addBasicApp, addMachineWithSecret, basicAuth, postForm, projectAudience, type BasicApp, type MachineWithSecret } from "../../support/oauth-fixtures.js";

let session: AdminSession;
let database: string;
let app: BasicApp;
let user: MachineWithSecret;
let projectId: string;
const server = () => process.env.TEST_DATABASE_URL!;

beforeAll(async () => {
  session = await startAdminSession(postgresBackend());
  database = new URL(session.keygate.store.pool!.options.connectionString!).pathname.slice(1);
  projectId = (await session.admin.addProject({ name: "outage" })).id;
  app = await addBasicApp(session.admin, projectId);
  user = await addMachineWithSecret(session.admin);
});
afterAll(async () => {
  await onServer(server(), `ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
  await session.keygate.dispose();
});

test("token and introspection answer 503 while the database refuses connections, and work again after", async () => {
  const issue = () => postForm(session.keygate.issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope: projectAudience(projectId) }, basicAuth(user.clientId, user.clientSecret));
  const token = (await issue()).body!.access_token as string;
  await onServer(server(), `ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
  await onServer(server(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`);
  try {
    const refused = await issue();
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: "temporarily_unavailable" });
    expect(refused.headers.get("retry-after")).toBe("1");
    const introspection = await postForm(session.keygate.issuer, "/oauth/v2/introspect", { token }, basicAuth(app.clientId, app.clientSecret));
    expect(introspection.status).toBe(503);
  } finally {
    await onServer(server(), `ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
  }
  expect((await issue()).status).toBe(200);
  expect((await postForm(session.keygate.issuer, "/oauth/v2/introspect", { token }, basicAuth(app.clientId, app.clientSecret))).body).toMatchObject({ active: true });
});
