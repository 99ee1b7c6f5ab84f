import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql, type Kysely } from "kysely";
import { MAX_APP_SECRETS } from "../../src/domain/app-secret.js";
import { ApiAuthMethod } from "../../src/domain/app.js";
import { DomainError } from "../../src/domain/errors.js";
import { verifySecret } from "../../src/domain/secrets.js";
import * as apps from "../../src/store/commands/app-commands.js";
import { addAppSecret, removeAppSecret } from "../../src/store/commands/app-secret-commands.js";
import type { CommandDeps } from "../../src/store/commands/command-deps.js";
import { addOrg } from "../../src/store/commands/org-commands.js";
import * as projects from "../../src/store/commands/project-commands.js";
import type { Actor } from "../../src/store/event-store.js";
import { createMigrator, migrateToLatest } from "../../src/store/migrator.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { listAppSecrets } from "../../src/store/queries/app-credential-queries.js";
import type { KeysetWindow } from "../../src/store/queries/keyset.js";
import { findApiClient, recordSecretUse } from "../../src/store/queries/oauth-queries.js";
import { rebuildProjections } from "../../src/store/rebuild.js";
import { describeEachBackend } from "../support/backends.js";
import { commandDepsOf } from "../support/command-deps.js";
import { expectRebuildReproduces, snapshot } from "../support/projection-snapshot.js";

const settings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };
const HOUR = 3_600_000;
const page: KeysetWindow = { after: undefined, offset: 0, limit: 0 };

async function expectRefused(promise: Promise<unknown>, kind: string, field: string): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).kind).toBe(kind);
  expect((error as DomainError).text).toContain(field);
  return error as DomainError;
}

describeEachBackend("app secrets in the store", (backend) => {
  let store: Store;
  let deps: CommandDeps;
  let actor: Actor;
  let projectId: string;
  const eventCount = async () => Number((await store.db.selectFrom("events2").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const list = (appId: string, options: Partial<KeysetWindow> = {}) =>
    listAppSecrets(store.db, actor.instanceId, actor.orgId, projectId, appId, { ...page, ...options });

  beforeAll(async () => {
    store = await openStore(await backend.create());
    deps = commandDepsOf(store);
    const creator: Actor = { instanceId: "i", orgId: "seed", userId: "u" };
    actor = { ...creator, orgId: (await addOrg(deps, creator, "Secret Org", "localhost")).id };
    projectId = (await projects.addProject(deps, actor, { name: "secrets", settings })).id;
  });
  afterAll(async () => {
    await store.close();
    await backend.dispose();
  });

  test("AddAPIApp's secret is the first listed; added ones follow with expiry and last four; all verify; regenerate replaces all; removal; rebuild reproduces", async () => {
    const app = await apps.addApiApp(deps, actor, projectId, { name: "rotating", authMethod: ApiAuthMethod.Basic });
    const now = new Date();
    const second = await addAppSecret(deps, actor, projectId, app.appId, { expiration: new Date(now.getTime() + HOUR), now });
    const third = await addAppSecret(deps, actor, projectId, app.appId, { expiration: undefined, now });

    const listed = await list(app.appId);
    expect(listed.totalResult).toBe(3);
    expect(listed.result.map((s) => s.lastFour)).toEqual([app.clientSecret!.slice(-4), second.clientSecret.slice(-4), third.clientSecret.slice(-4)]);
    expect(listed.result[1]).toMatchObject({ id: second.secretId, expiration: new Date(now.getTime() + HOUR) });
    expect(listed.result[0]!.expiration).toBeUndefined();
    expect(JSON.stringify(listed)).not.toContain(second.clientSecret);
    expect(JSON.stringify(listed)).not.toContain("$sha256$");

    const client = (await findApiClient(store.db, actor.instanceId, app.clientId))!;
    expect(client.secrets.map((s) => s.id)).toEqual(listed.result.map((s) => s.id));
    for (const [secret, stored] of [app.clientSecret!, second.clientSecret, third.clientSecret].map((s, i) => [s, client.secrets[i]!] as const)) {
      expect(await verifySecret(secret, stored.hash)).toBe(true);
    }
    // The plaintext is in no event and no table.
    const events = JSON.stringify(await store.db.selectFrom("events2").selectAll().execute());
    const tables = JSON.stringify(await snapshot(store));
    for (const secret of [app.clientSecret!, second.clientSecret, third.clientSecret]) {
      expect(events).not.toContain(secret);
      expect(tables).not.toContain(secret);
    }

    await removeAppSecret(deps, actor, projectId, app.appId, listed.result[0]!.id);
    expect((await list(app.appId)).result.map((s) => s.id)).toEqual([second.secretId, third.secretId]);
    await expectRebuildReproduces(store, { app_secrets: 1 });

    const regenerated = await apps.regenerateApiSecret(deps, actor, projectId, app.appId);
    const after = await list(app.appId);
    expect(after.result).toHaveLength(1);
    expect(after.result[0]!.lastFour).toBe(regenerated.clientSecret.slice(-4));
    expect(after.result[0]!.sequence).toBe(regenerated.details.sequence);
    expect(after.result[0]!.id).toBe(String(regenerated.details.sequence));
    await expectRebuildReproduces(store, { app_secrets: 0 });
  });

  test("refusals write nothing: an eleventh secret, an expiry not in the future, an unknown secret id, an app of another org or a missing one", async () => {
    const app = await apps.addApiApp(deps, actor, projectId, { name: "full", authMethod: ApiAuthMethod.Basic });
    const now = new Date();
    for (let n = 1; n < MAX_APP_SECRETS; n++) await addAppSecret(deps, actor, projectId, app.appId, { expiration: undefined, now });
    const before = await eventCount();
    await expectRefused(addAppSecret(deps, actor, projectId, app.appId, { expiration: undefined, now }), "FailedPrecondition", "app_id");
    expect((await list(app.appId)).totalResult).toBe(MAX_APP_SECRETS);

    const other = await apps.addApiApp(deps, actor, projectId, { name: "other", authMethod: ApiAuthMethod.Basic });
    const afterOther = await eventCount();
    await expectRefused(addAppSecret(deps, actor, projectId, other.appId, { expiration: new Date(now.getTime() - 1000), now }), "InvalidArgument", "expiration_date");
    await expectRefused(addAppSecret(deps, actor, projectId, other.appId, { expiration: now, now }), "InvalidArgument", "expiration_date");
    await expectRefused(removeAppSecret(deps, actor, projectId, other.appId, "404"), "NotFound", "secret_id");
    // A secret id of another app of the same project is not this app's.
    const [foreign] = (await list(app.appId)).result;
    await expectRefused(removeAppSecret(deps, actor, projectId, other.appId, foreign!.id), "NotFound", "secret_id");

    const stranger: Actor = { ...actor, orgId: (await addOrg(deps, { ...actor, orgId: "seed" }, "Stranger Org", "localhost")).id };
    const strangerEvents = await eventCount();
    await expectRefused(addAppSecret(deps, stranger, projectId, other.appId, { expiration: undefined, now }), "NotFound", "app_id");
    await expectRefused(removeAppSecret(deps, stranger, projectId, other.appId, foreign!.id), "NotFound", "app_id");
    await expectRefused(listAppSecrets(store.db, stranger.instanceId, stranger.orgId, projectId, other.appId, page), "NotFound", "app_id");
    await expectRefused(list("no-such-app"), "NotFound", "app_id");
    expect(await eventCount()).toBe(strangerEvents);
    expect(strangerEvents).toBeGreaterThan(afterOther);
    expect(afterOther).toBe(before + 2);
  });

  test("pages continue after the last secret seen, while secrets are added and removed; last use is recorded at most once per interval", async () => {
    const app = await apps.addApiApp(deps, actor, projectId, { name: "paged", authMethod: ApiAuthMethod.Basic });
    const now = new Date();
    const added = [];
    for (let n = 0; n < 4; n++) added.push(await addAppSecret(deps, actor, projectId, app.appId, { expiration: undefined, now }));
    const first = await list(app.appId, { limit: 2 });
    expect(first.result).toHaveLength(2);
    await removeAppSecret(deps, actor, projectId, app.appId, first.result[0]!.id);
    await removeAppSecret(deps, actor, projectId, app.appId, added[1]!.secretId);
    const fifth = await addAppSecret(deps, actor, projectId, app.appId, { expiration: undefined, now });
    expect(first.next).toEqual([String(first.result[1]!.sequence)]);
    const rest = await list(app.appId, { limit: 10, after: first.next });
    expect(rest.result.map((s) => s.id)).toEqual([added[2]!.secretId, added[3]!.secretId, fifth.secretId]);
    expect(rest.next).toBeUndefined();

    const used = added[2]!.secretId;
    await recordSecretUse(store.db, actor.instanceId, app.appId, used, new Date(now.getTime() + 1000), 60_000);
    await recordSecretUse(store.db, actor.instanceId, app.appId, used, new Date(now.getTime() + 30_000), 60_000);
    const lastUse = async () => (await list(app.appId)).result.find((s) => s.id === used)!.lastUsed;
    expect(await lastUse()).toEqual(new Date(now.getTime() + 1000));
    await recordSecretUse(store.db, actor.instanceId, app.appId, used, new Date(now.getTime() + 62_000), 60_000);
    expect(await lastUse()).toEqual(new Date(now.getTime() + 62_000));
    // Operational data: a rebuild neither needs nor changes it.
    await expectRebuildReproduces(store, { app_secrets: 2 });
    expect(await lastUse()).toEqual(new Date(now.getTime() + 62_000));
  });
});

describeEachBackend("migration 0007 moves each app's one secret into app_secrets as a rebuild would", (backend) => {
  let store: Store;
  afterAll(async () => {
    await store.close();
    await backend.dispose();
  });

  test("apps made and regenerated before it (events without last four): the migrated rows equal the rebuilt ones", async () => {
    store = await openStore(await backend.create());
    const deps = commandDepsOf(store);
    const creator: Actor = { instanceId: "i", orgId: "seed", userId: "u" };
    const actor = { ...creator, orgId: (await addOrg(deps, creator, "Legacy Org", "localhost")).id };
    const { id: projectId } = await projects.addProject(deps, actor, { name: "legacy", settings });
    const plain = await apps.addApiApp(deps, actor, projectId, { name: "plain", authMethod: ApiAuthMethod.Basic });
    const regenerated = await apps.addApiApp(deps, actor, projectId, { name: "regenerated", authMethod: ApiAuthMethod.Basic });
    const fresh = await apps.regenerateApiSecret(deps, actor, projectId, regenerated.appId);
    await apps.addApiApp(deps, actor, projectId, { name: "jwt", authMethod: ApiAuthMethod.PrivateKeyJwt });
    // Events as keygate wrote them before it recorded last fours.
    const db = store.db as unknown as Kysely<unknown>;
    await sql`UPDATE events2 SET payload = payload - 'lastFour'`.execute(db);
    await rebuildProjections(store.db, store.projector);
    const rebuilt = await snapshot(store);
    expect(rebuilt.app_secrets).toHaveLength(2);

    const down = await createMigrator(db).migrateTo("0006-oauth");
    expect(down.error).toBeUndefined();
    await migrateToLatest(db);
    expect(await snapshot(store)).toEqual(rebuilt);
    const client = (await findApiClient(store.db, actor.instanceId, regenerated.clientId))!;
    expect(client.secrets).toHaveLength(1);
    expect(await verifySecret(fresh.clientSecret, client.secrets[0]!.hash)).toBe(true);
    expect((await findApiClient(store.db, actor.instanceId, plain.clientId))!.secrets).toHaveLength(1);
  });
});

describe("MAX_APP_SECRETS", () => {
  test("is 10", () => expect(MAX_APP_SECRETS).toBe(10));
});
