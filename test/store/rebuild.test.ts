import { afterAll, beforeAll, expect, test } from "vitest";
import { ApiAuthMethod } from "../../src/domain/app.js";
import * as apps from "../../src/store/commands/app-commands.js";
import { addAppKey, removeAppKey } from "../../src/store/commands/app-key-commands.js";
import { addOrg } from "../../src/store/commands/org-commands.js";
import * as credentials from "../../src/store/commands/machine-credential-commands.js";
import { ensureSigningKey, recordIssuedToken, revokeIssuedToken } from "../../src/store/commands/oauth-commands.js";
import * as projects from "../../src/store/commands/project-commands.js";
import * as users from "../../src/store/commands/user-commands.js";
import { AccessTokenType } from "../../src/domain/user.js";
import { generateSigningKey } from "../../src/domain/signing-key.js";
import type { Actor } from "../../src/store/event-store.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { describeEachBackend } from "../support/backends.js";
import { rebuildProjections } from "../../src/store/rebuild.js";
import { expectRebuildReproduces, snapshot } from "../support/projection-snapshot.js";
import { commandDepsOf } from "../support/command-deps.js";
import { pooledKeyPairs } from "../support/key-pair-pool.js";

const settings = { projectRoleAssertion: true, projectRoleCheck: false, hasProjectCheck: true, privateLabelingSetting: 1 };

describeEachBackend("rebuild-projections", (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await backend.create());
  });
  afterAll(async () => {
    await store.close();
    await backend.dispose();
  });

  test("rebuilding from the events reproduces every projection table exactly", async () => {
    // A store of its own: the row counts below are exact, whichever of the other tests ran before.
    const store = await openStore(await backend.create());
    const deps = commandDepsOf(store);
    const creator: Actor = { instanceId: "i", orgId: "seed", userId: "u" };
    const { id: orgId } = await addOrg(deps, creator, "Rebuild Org", "localhost");
    const actor: Actor = { ...creator, orgId };

    const { id: kept } = await projects.addProject(deps, actor, { name: "kept", settings });
    const { id: gone } = await projects.addProject(deps, actor, { name: "gone", settings });
    await projects.updateProject(deps, actor, kept, { name: "kept-renamed", settings: { ...settings, projectRoleCheck: true } });
    await projects.deactivateProject(deps, actor, kept);
    const basic = await apps.addApiApp(deps, actor, kept, { name: "basic", authMethod: ApiAuthMethod.Basic });
    const jwt = await apps.addApiApp(deps, actor, kept, { name: "jwt", authMethod: ApiAuthMethod.PrivateKeyJwt });
    const removed = await apps.addApiApp(deps, actor, kept, { name: "removed", authMethod: ApiAuthMethod.Basic });
    await apps.renameApp(deps, actor, kept, basic.appId, "basic-renamed");
    await apps.regenerateApiSecret(deps, actor, kept, basic.appId);
    await apps.deactivateApp(deps, actor, kept, basic.appId);
    const key = await addAppKey(deps, actor, kept, jwt.appId, undefined);
    const removedKey = await addAppKey(deps, actor, kept, jwt.appId, new Date(Date.now() + 86_400_000));
    await removeAppKey(deps, actor, kept, jwt.appId, removedKey.id);
    await apps.changeApiAuthMethod(deps, actor, kept, jwt.appId, ApiAuthMethod.Basic);
    await apps.removeApp(deps, actor, kept, removed.appId);
    await apps.addApiApp(deps, actor, gone, { name: "with-project", authMethod: ApiAuthMethod.Basic });
    // As v2 makes and changes them: a caller-chosen id, name and auth method changed in one command.
    const chosen = await apps.addApiApp(deps, actor, kept, { name: "chosen", authMethod: ApiAuthMethod.Basic, appId: "chosen/ü id" });
    await apps.updateApiApp(deps, actor, kept, chosen.appId, { name: "chosen-renamed", authMethod: ApiAuthMethod.PrivateKeyJwt });
    await projects.removeProject(deps, actor, gone);
    expect(key.id).toMatch(/^\d+$/);

    const { id: bot } = await users.addMachineUser(deps, actor, { userName: "bot", name: "Bot", description: "d", accessTokenType: AccessTokenType.Jwt });
    await users.changeMachine(deps, actor, bot, { name: "Bot 2", description: "", accessTokenType: AccessTokenType.Bearer });
    await credentials.generateMachineSecret(deps, actor, bot);
    await credentials.generateMachineSecret(deps, actor, bot);
    await credentials.addMachineKey(deps, actor, bot, { expiration: undefined });
    const removedMachineKey = await credentials.addMachineKey(deps, actor, bot, { expiration: new Date(Date.now() + 86_400_000) });
    await credentials.removeMachineKey(deps, actor, bot, removedMachineKey.keyId);
    await users.addPersonalAccessToken(deps, actor, bot, undefined);
    await users.deactivateUser(deps, actor, bot);
    const { id: noSecret } = await users.addMachineUser(deps, actor, { userName: "no-secret", name: "No Secret" });
    await credentials.generateMachineSecret(deps, actor, noSecret);
    await credentials.removeMachineSecret(deps, actor, noSecret);
    const { id: goneUser } = await users.addMachineUser(deps, actor, { userName: "gone", name: "Gone" });
    await credentials.generateMachineSecret(deps, actor, goneUser);
    await credentials.addMachineKey(deps, actor, goneUser, { expiration: undefined });
    await users.removeUser(deps, actor, goneUser);

    const live = await snapshot(store);
    expect(live.apps).toHaveLength(3);
    expect(live.app_keys).toHaveLength(1);
    expect(live.users).toHaveLength(2);
    expect(live.machine_keys).toHaveLength(1);
    expect(live.personal_access_tokens).toHaveLength(1);

    const { result } = await expectRebuildReproduces(store);
    expect(result.events).toBeGreaterThan(20);
    await store.close();
  });

  test("signing keys and issued tokens (revoked ones gone) rebuild from their events too", async () => {
    const lifetimes = { signingSeconds: 3600, accessTokenSeconds: 600 };
    const now = new Date();
    await ensureSigningKey(store.events, "i", await generateSigningKey(store.ids.next(), "0123456789abcdef0123456789abcdef", lifetimes, now, pooledKeyPairs), lifetimes, now);
    // Tokens are recorded only for a user whose credential holds: a real user with a secret and a key.
    const deps = commandDepsOf(store);
    const creator: Actor = { instanceId: "i", orgId: "seed", userId: "u" };
    const { id: orgId } = await addOrg(deps, creator, "Token Org", "localhost");
    const { id: userId } = await users.addMachineUser(deps, { ...creator, orgId }, { userName: "token-holder", name: "Token Holder" });
    await credentials.generateMachineSecret(deps, { ...creator, orgId }, userId);
    const secretHash = (await store.db.selectFrom("users").select("secret_hash").where("id", "=", userId).executeTakeFirstOrThrow()).secret_hash!;
    const { keyId } = await credentials.addMachineKey(deps, { ...creator, orgId }, userId, { expiration: undefined });
    const token = (id: string, digest?: string) => ({
      id,
      userId,
      clientId: "svc",
      audience: ["p1"],
      scopes: ["openid", "urn:zitadel:iam:org:project:id:p1:aud"],
      type: digest === undefined ? ("jwt" as const) : ("bearer" as const),
      ...(digest === undefined ? {} : { digest }),
      credential: digest === undefined ? { kind: "key" as const, keyId } : { kind: "secret" as const, secretHash },
      issuedAt: now,
      expiresAt: new Date(now.getTime() + 600_000),
    });
    const [opaque, jwt, revoked] = [store.ids.next(), store.ids.next(), store.ids.next()];
    await recordIssuedToken(store.events, "i", orgId, token(opaque, "digest-1"), now);
    await recordIssuedToken(store.events, "i", orgId, token(jwt), now);
    await recordIssuedToken(store.events, "i", orgId, token(revoked, "digest-3"), now);
    await revokeIssuedToken(store.events, { instanceId: "i", orgId, userId }, revoked);

    const live = await snapshot(store);
    expect(live.signing_keys).toHaveLength(1);
    expect(live.access_tokens).toHaveLength(2);
    await expectRebuildReproduces(store);
  });

  test("a rebuild while commands write waits for those in flight and holds new ones off: it succeeds, and nothing is lost", async () => {
    const deps = commandDepsOf(store);
    const creator: Actor = { instanceId: "i", orgId: "seed", userId: "u" };
    const { id: orgId } = await addOrg(deps, creator, "Busy Org", "localhost");
    const actor: Actor = { ...creator, orgId };
    let writing = true;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      let n = 0;
      for (; writing || n < 3; n++) {
        const { id } = await projects.addProject(deps, actor, { name: `busy-${w}-${n}`, settings });
        await apps.addApiApp(deps, actor, id, { name: "app", authMethod: ApiAuthMethod.Basic });
      }
      return n;
    });
    const rebuilt = [];
    for (let round = 0; round < 3; round++) rebuilt.push(await rebuildProjections(store.db, store.projector));
    writing = false;
    const written = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    expect(rebuilt.every((result) => result.events > 0)).toBe(true);
    const { live } = await expectRebuildReproduces(store);
    expect(live.projects!.filter((row) => String(row).includes("busy-")).length).toBe(written);
  });
});
