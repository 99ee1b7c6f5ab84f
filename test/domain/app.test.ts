import { describe, expect, test } from "vitest";
import {
  addApiApp,
  ApiAuthMethod,
  type AppState,
  changeApiAuthMethod,
  changeApiSecret,
  deactivateApp,
  reactivateApp,
  removeApp,
  renameApp,
  updateApiApp,
} from "../../src/domain/app.js";
import type { ProjectState } from "../../src/domain/project.js";
import { constraintKeys, expectClaimError, expectDomainError } from "./expect-domain-error.js";

const settings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };
const project: ProjectState = { id: "p1", owner: "org1", name: "Project", state: "active", settings };
const basicApp: AppState = { id: "app1", projectId: "p1", name: "App", state: "active", clientId: "client1", authMethod: ApiAuthMethod.Basic };
const jwtApp: AppState = { ...basicApp, authMethod: ApiAuthMethod.PrivateKeyJwt };
const inactiveApp: AppState = { ...basicApp, state: "inactive" };
const HASH = "$sha256$c2FsdHNhbHRzYWx0c2FsdA$ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGk";
const SECRET = { hash: HASH, lastFour: "Zx9q" };

const onProject = (type: string, payload: unknown) => ({ aggregateType: "project", aggregateId: "p1", type, payload });

describe("ApiAuthMethod", () => {
  test("uses ZITADEL's numbers: BASIC 0, PRIVATE_KEY_JWT 1", () => {
    expect(ApiAuthMethod.Basic).toBe(0);
    expect(ApiAuthMethod.PrivateKeyJwt).toBe(1);
  });
});

describe("addApiApp", () => {
  test("case 13/16: BASIC app → application.added {appId,name}, then config.api.added {appId,clientId,hashedSecret} (and keygate's lastFour) without authMethodType", () => {
    const decision = addApiApp(project, { appId: "a1", clientId: "c1", name: "My App", authMethod: ApiAuthMethod.Basic, secret: SECRET });
    expect(decision.events).toStrictEqual([
      onProject("project.application.added", { appId: "a1", name: "My App" }),
      onProject("project.application.config.api.added", { appId: "a1", clientId: "c1", hashedSecret: HASH, lastFour: "Zx9q" }),
    ]);
    expect(Object.keys(decision.events[1]!.payload!)).not.toContain("authMethodType");
  });

  test("case 14/16: PRIVATE_KEY_JWT app → config.api.added {appId,clientId,authMethodType:1} without hashedSecret", () => {
    const decision = addApiApp(project, { appId: "a1", clientId: "c1", name: "My App", authMethod: ApiAuthMethod.PrivateKeyJwt });
    expect(decision.events).toStrictEqual([
      onProject("project.application.added", { appId: "a1", name: "My App" }),
      onProject("project.application.config.api.added", { appId: "a1", clientId: "c1", authMethodType: 1 }),
    ]);
    expect(Object.keys(decision.events[1]!.payload!)).not.toContain("hashedSecret");
  });

  test("case 25: claims the appname constraint `name:projectId` (case kept; the store lower-cases) with AlreadyExists V3-DKcYh", () => {
    const decision = addApiApp(project, { appId: "a1", clientId: "c1", name: "My App", authMethod: ApiAuthMethod.Basic, secret: SECRET });
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([{ action: "add", type: "appname", field: "My App:p1" }]);
    expectClaimError(decision.uniqueConstraints[0], "Application already exists");
  });

  test("case 25: the same name in another project claims a different field", () => {
    const other = addApiApp({ ...project, id: "p2" }, { appId: "a2", clientId: "c2", name: "My App", authMethod: ApiAuthMethod.Basic, secret: SECRET });
    expect(constraintKeys(other.uniqueConstraints)).toEqual([{ action: "add", type: "appname", field: "My App:p2" }]);
    expect(other.events.every((e) => e.aggregateId === "p2")).toBe(true);
  });

  test("case 21/22/23: a missing (unknown, other org's or removed) project → FailedPrecondition COMMAND-EbFMN", () => {
    expectDomainError(
      () => addApiApp(undefined, { appId: "a1", clientId: "c1", name: "My App", authMethod: ApiAuthMethod.Basic, secret: SECRET }),
      "FailedPrecondition",
      "COMMAND-EbFMN",
      "Project not found",
    );
  });

  test("case 21: the project is checked before the name", () => {
    expectDomainError(
      () => addApiApp(undefined, { appId: "a1", clientId: "c1", name: "", authMethod: ApiAuthMethod.Basic }),
      "FailedPrecondition",
      "COMMAND-EbFMN",
    );
  });

  test("case 24: a deactivated project still takes new apps", () => {
    const decision = addApiApp({ ...project, state: "inactive" }, { appId: "a1", clientId: "c1", name: "X", authMethod: ApiAuthMethod.PrivateKeyJwt });
    expect(decision.events.map((e) => e.type)).toEqual(["project.application.added", "project.application.config.api.added"]);
  });

  test("case 18: an empty name → InvalidArgument PROJECT-Bff2g", () => {
    expectDomainError(
      () => addApiApp(project, { appId: "a1", clientId: "c1", name: "", authMethod: ApiAuthMethod.Basic, secret: SECRET }),
      "InvalidArgument",
      "PROJECT-Bff2g",
      "Application invalid",
    );
  });

  test("a blank name is not trimmed and is accepted, as in ZITADEL v1", () => {
    const decision = addApiApp(project, { appId: "a1", clientId: "c1", name: " ", authMethod: ApiAuthMethod.Basic, secret: SECRET });
    expect(decision.events[0]!.payload).toStrictEqual({ appId: "a1", name: " " });
  });
});

describe("addApiApp with a caller-chosen id (v2)", () => {
  const chosen = { appId: "my/own id", chosenId: true, clientId: "c1", name: "My App", authMethod: ApiAuthMethod.Basic, secret: SECRET };

  test("claims the id besides the name, so that a concurrent create with the same id fails whole", () => {
    const decision = addApiApp(project, chosen);
    expect(decision.events.map((e) => e.payload)).toStrictEqual([
      { appId: "my/own id", name: "My App" },
      { appId: "my/own id", clientId: "c1", hashedSecret: HASH, lastFour: "Zx9q" },
    ]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([
      { action: "add", type: "application_id", field: "my/own id" },
      { action: "add", type: "appname", field: "My App:p1" },
    ]);
    expectClaimError(decision.uniqueConstraints[0], "Application already exists");
  });

  test("an id some app already has → AlreadyExists V3-DKcYh, after the project check", () => {
    expectDomainError(() => addApiApp(project, chosen, true), "AlreadyExists", "V3-DKcYh", "Application already exists");
    expectDomainError(() => addApiApp(undefined, chosen, true), "FailedPrecondition", "COMMAND-EbFMN");
  });

  test("a generated id claims nothing but the name", () => {
    const decision = addApiApp(project, { ...chosen, chosenId: false });
    expect(constraintKeys(decision.uniqueConstraints).map((c) => c.type)).toEqual(["appname"]);
  });
});

describe("updateApiApp (v2)", () => {
  test("name and auth method in one decision: changed, then config.api.changed, with the name constraint swapped", () => {
    const decision = updateApiApp(basicApp, { name: "New", authMethod: ApiAuthMethod.PrivateKeyJwt });
    expect(decision.events).toStrictEqual([
      onProject("project.application.changed", { appId: "app1", name: "New" }),
      onProject("project.application.config.api.changed", { appId: "app1", authMethodType: 1 }),
    ]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([
      { action: "remove", type: "appname", field: "App:p1" },
      { action: "add", type: "appname", field: "New:p1" },
    ]);
  });

  test("only what differs: the same name and method decide nothing (no No-changes error, unlike v1)", () => {
    expect(updateApiApp(basicApp, { name: "App", authMethod: ApiAuthMethod.Basic })).toStrictEqual({ events: [], uniqueConstraints: [] });
    expect(updateApiApp(basicApp, {}).events).toEqual([]);
    expect(updateApiApp(basicApp, { name: "App", authMethod: ApiAuthMethod.PrivateKeyJwt }).events.map((e) => e.type)).toEqual([
      "project.application.config.api.changed",
    ]);
  });

  test("unknown app → NotFound COMMAND-28di9", () => {
    expectDomainError(() => updateApiApp(undefined, { name: "x" }), "NotFound", "COMMAND-28di9", "Application doesn't exist");
  });
});

describe("renameApp", () => {
  test("case 39: emits project.application.changed {appId,name} and swaps the appname constraint (release first)", () => {
    const decision = renameApp(basicApp, "New Name");
    expect(decision.events).toStrictEqual([onProject("project.application.changed", { appId: "app1", name: "New Name" })]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([
      { action: "remove", type: "appname", field: "App:p1" },
      { action: "add", type: "appname", field: "New Name:p1" },
    ]);
  });

  test("case 42: renaming onto a taken name fails on the claim with AlreadyExists V3-DKcYh", () => {
    const decision = renameApp(basicApp, "Other");
    expectClaimError(decision.uniqueConstraints.find((c) => c.action === "add"), "Application already exists");
  });

  test("case 40: the same name → FailedPrecondition No changes (COMMAND-2m8vx)", () => {
    expectDomainError(() => renameApp(basicApp, "App"), "FailedPrecondition", "COMMAND-2m8vx", "No changes");
  });

  test("case 40 / §9: a case-only rename is a change (the no-change check is case-sensitive)", () => {
    const decision = renameApp(basicApp, "app");
    expect(decision.events).toStrictEqual([onProject("project.application.changed", { appId: "app1", name: "app" })]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([
      { action: "remove", type: "appname", field: "App:p1" },
      { action: "add", type: "appname", field: "app:p1" },
    ]);
  });

  test("case 41: unknown app → NotFound COMMAND-28di9", () => {
    expectDomainError(() => renameApp(undefined, "New"), "NotFound", "COMMAND-28di9", "Application doesn't exist");
  });

  test("an empty name → InvalidArgument COMMAND-4m9vS, checked before the app exists", () => {
    expectDomainError(() => renameApp(basicApp, ""), "InvalidArgument", "COMMAND-4m9vS", "Application invalid");
    expectDomainError(() => renameApp(undefined, ""), "InvalidArgument", "COMMAND-4m9vS");
  });

  test("case 61: an inactive app can be renamed", () => {
    expect(renameApp(inactiveApp, "Renamed").events.map((e) => e.type)).toEqual(["project.application.changed"]);
  });
});

describe("changeApiAuthMethod", () => {
  test("case 43: BASIC → JWT emits config.api.changed {appId, authMethodType:1}", () => {
    const decision = changeApiAuthMethod(basicApp, ApiAuthMethod.PrivateKeyJwt);
    expect(decision.events).toStrictEqual([onProject("project.application.config.api.changed", { appId: "app1", authMethodType: 1 })]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("case 47: JWT → BASIC emits authMethodType 0 (always present) and no secret event", () => {
    const decision = changeApiAuthMethod(jwtApp, ApiAuthMethod.Basic);
    expect(decision.events).toStrictEqual([onProject("project.application.config.api.changed", { appId: "app1", authMethodType: 0 })]);
  });

  test.each([ApiAuthMethod.Basic, ApiAuthMethod.PrivateKeyJwt])("case 44: the same method (%i) → FailedPrecondition No changes (COMMAND-1m88i)", (method) => {
    expectDomainError(() => changeApiAuthMethod({ ...basicApp, authMethod: method }, method), "FailedPrecondition", "COMMAND-1m88i", "No changes");
  });

  test("case 46: unknown app → NotFound COMMAND-2n8uU", () => {
    expectDomainError(() => changeApiAuthMethod(undefined, ApiAuthMethod.Basic), "NotFound", "COMMAND-2n8uU", "Application doesn't exist");
  });
});

describe("changeApiSecret", () => {
  test("case 48: emits config.api.secret.changed {appId, hashedSecret} (and keygate's lastFour)", () => {
    const decision = changeApiSecret(basicApp, SECRET);
    expect(decision.events).toStrictEqual([onProject("project.application.config.api.secret.changed", { appId: "app1", hashedSecret: HASH, lastFour: "Zx9q" })]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("case 49: works on a PRIVATE_KEY_JWT app", () => {
    expect(changeApiSecret(jwtApp, SECRET).events.map((e) => e.type)).toEqual(["project.application.config.api.secret.changed"]);
  });

  test("case 61: works on an inactive app", () => {
    expect(changeApiSecret(inactiveApp, SECRET).events.map((e) => e.type)).toEqual(["project.application.config.api.secret.changed"]);
  });

  test("case 51: unknown app → NotFound COMMAND-2g66f", () => {
    expectDomainError(() => changeApiSecret(undefined, SECRET), "NotFound", "COMMAND-2g66f", "Application doesn't exist");
  });
});

describe("deactivateApp / reactivateApp", () => {
  test("case 52: deactivating an active app emits project.application.deactivated {appId}", () => {
    const decision = deactivateApp(basicApp);
    expect(decision.events).toStrictEqual([onProject("project.application.deactivated", { appId: "app1" })]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("case 53: deactivating an inactive app → FailedPrecondition COMMAND-dsh35", () => {
    expectDomainError(() => deactivateApp(inactiveApp), "FailedPrecondition", "COMMAND-dsh35", "Application is not active");
  });

  test("case 54: reactivating an inactive app emits project.application.reactivated {appId}", () => {
    const decision = reactivateApp(inactiveApp);
    expect(decision.events).toStrictEqual([onProject("project.application.reactivated", { appId: "app1" })]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("case 55: reactivating an active app → FailedPrecondition COMMAND-1n8cM", () => {
    expectDomainError(() => reactivateApp(basicApp), "FailedPrecondition", "COMMAND-1n8cM", "Application is not inactive");
  });

  test("case 56: deactivate/reactivate of an unknown app → NotFound COMMAND-ov9d3", () => {
    expectDomainError(() => deactivateApp(undefined), "NotFound", "COMMAND-ov9d3", "Application doesn't exist");
    expectDomainError(() => reactivateApp(undefined), "NotFound", "COMMAND-ov9d3", "Application doesn't exist");
  });
});

describe("removeApp", () => {
  test("case 57: emits project.application.removed with exactly ZITADEL's payload {appId}", () => {
    const decision = removeApp(basicApp);
    expect(decision.events).toStrictEqual([onProject("project.application.removed", { appId: "app1" })]);
  });

  test("case 59: releases the appname constraint `name:projectId`, so the name can be used again", () => {
    const decision = removeApp(basicApp);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([{ action: "remove", type: "appname", field: "App:p1" }]);
    expect(decision.events.map((e) => e.type)).toEqual(["project.application.removed"]);
  });

  test("case 57: active and inactive apps can both be removed", () => {
    expect(removeApp(inactiveApp).events.map((e) => e.type)).toEqual(["project.application.removed"]);
    expect(removeApp(jwtApp).events.map((e) => e.type)).toEqual(["project.application.removed"]);
  });

  test("case 57: removing an unknown (or already removed) app → NotFound COMMAND-0po9s", () => {
    expectDomainError(() => removeApp(undefined), "NotFound", "COMMAND-0po9s", "Application doesn't exist");
  });
});
