import { describe, expect, test } from "vitest";
import { authorize, readScope, type Membership } from "../../src/domain/authorization.js";
import { IAM_OWNER, ORG_OWNER, PROJECT_OWNER, ROLES, rolesGrant, rolesOfScope } from "../../src/domain/roles.js";
import { expectDomainError } from "./expect-domain-error.js";

const iam = (...roles: string[]): Membership => ({ scope: "instance", objectId: "i1", roles });
const org = (...roles: string[]): Membership => ({ scope: "org", objectId: "o1", roles });
const proj = (projectId: string, ...roles: string[]): Membership => ({ scope: "project", objectId: projectId, roles });

const APP_PERMISSIONS = ["project.read", "project.write", "project.delete", "project.create", "project.app.read", "project.app.write", "project.app.delete"];
const VIEWERS = ["PROJECT_OWNER_VIEWER", "ORG_OWNER_VIEWER", "IAM_OWNER_VIEWER", "IAM_LOGIN_CLIENT"];

describe("roles (§2.4 defaults)", () => {
  test.each(["IAM_OWNER", "IAM_ORG_MANAGER"])("%s has every permission of the table", (role) => {
    for (const permission of ["org.read", "org.create", ...APP_PERMISSIONS]) expect(rolesGrant([role], permission)).toBe(true);
  });

  test("case 58: ORG_OWNER has org.read, project.* and app read/write, but neither org.create nor project.app.delete", () => {
    for (const permission of ["org.read", "project.read", "project.create", "project.write", "project.delete", "project.app.read", "project.app.write"]) {
      expect(rolesGrant([ORG_OWNER], permission)).toBe(true);
    }
    expect(rolesGrant([ORG_OWNER], "project.app.delete")).toBe(false);
    expect(rolesGrant([ORG_OWNER], "org.create")).toBe(false);
  });

  test("PROJECT_OWNER has project read/write/delete and all app permissions, but no org.read or project.create", () => {
    for (const permission of ["project.read", "project.write", "project.delete", "project.app.read", "project.app.write", "project.app.delete"]) {
      expect(rolesGrant([PROJECT_OWNER], permission)).toBe(true);
    }
    expect(rolesGrant([PROJECT_OWNER], "org.read")).toBe(false);
    expect(rolesGrant([PROJECT_OWNER], "project.create")).toBe(false);
  });

  test.each(VIEWERS)("viewer role %s may read projects and apps but not write, create or delete", (role) => {
    expect(rolesGrant([role], "project.read")).toBe(true);
    expect(rolesGrant([role], "project.app.read")).toBe(true);
    for (const permission of ["project.write", "project.create", "project.delete", "project.app.write", "project.app.delete", "org.create"]) {
      expect(rolesGrant([role], permission)).toBe(false);
    }
  });

  test("rolesGrant: a permission of any of the roles counts; unknown roles and no roles grant nothing", () => {
    expect(rolesGrant(["NO_SUCH_ROLE"], "org.read")).toBe(false);
    expect(rolesGrant([], "org.read")).toBe(false);
    expect(rolesGrant([ORG_OWNER], "project.app.delete")).toBe(false);
    expect(rolesGrant([ORG_OWNER, "PROJECT_OWNER_GLOBAL"], "project.app.delete")).toBe(true);
    expect(rolesGrant(["NO_SUCH_ROLE", ORG_OWNER], "org.write")).toBe(true);
  });

  test("role scopes: PROJECT_OWNER(_VIEWER) are project roles, IAM_* instance roles, ORG_* org roles", () => {
    expect(rolesOfScope("project").sort()).toEqual(["PROJECT_OWNER", "PROJECT_OWNER_VIEWER"]);
    expect(rolesOfScope("instance")).toEqual(expect.arrayContaining([IAM_OWNER, "IAM_ORG_MANAGER", "IAM_OWNER_VIEWER", "IAM_LOGIN_CLIENT"]));
    expect(rolesOfScope("org")).toEqual(expect.arrayContaining([ORG_OWNER, "ORG_OWNER_VIEWER"]));
    expect(ROLES[IAM_OWNER]?.scope).toBe("instance");
  });
});

describe("authorize", () => {
  test("case 29: no memberships at all → NotFound AUTHZ-cdgFk", () => {
    expectDomainError(() => authorize([], { permission: "project.app.write", projectId: "P" }), "NotFound", "AUTHZ-cdgFk", "membership not found");
  });

  test("case 58: ORG_OWNER lacks project.app.delete → PermissionDenied AUTH-5mWD2", () => {
    expectDomainError(
      () => authorize([org(ORG_OWNER)], { permission: "project.app.delete", projectId: "P" }),
      "PermissionDenied",
      "AUTH-5mWD2",
      "No matching permissions found",
    );
  });

  test("case 58/31: ORG_OWNER may write apps in any project of the org → 'all'", () => {
    expect(authorize([org(ORG_OWNER)], { permission: "project.app.write", projectId: "P" })).toBe("all");
  });

  test.each(["project.app.delete", "project.app.write", "project.app.read", "project.create", "org.create"])("case 58: IAM_OWNER has %s everywhere → 'all'", (permission) => {
    expect(authorize([iam(IAM_OWNER)], { permission, projectId: "P" })).toBe("all");
    expect(authorize([iam(IAM_OWNER)], { permission })).toBe("all");
  });

  test("case 31/58: PROJECT_OWNER of P passes for P, returning [P]", () => {
    expect(authorize([proj("P", PROJECT_OWNER)], { permission: "project.app.write", projectId: "P" })).toEqual(["P"]);
    expect(authorize([proj("P", PROJECT_OWNER)], { permission: "project.app.delete", projectId: "P" })).toEqual(["P"]);
  });

  test("case 31: PROJECT_OWNER of P fails for Q → PermissionDenied AUTH-3jknH", () => {
    expectDomainError(
      () => authorize([proj("P", PROJECT_OWNER)], { permission: "project.app.write", projectId: "Q" }),
      "PermissionDenied",
      "AUTH-3jknH",
      "No matching permissions found",
    );
  });

  test("without a request project id, project roles return the list of their project ids", () => {
    const memberships = [proj("P", PROJECT_OWNER), proj("R", "PROJECT_OWNER_VIEWER"), proj("S", PROJECT_OWNER)];
    expect(authorize(memberships, { permission: "project.read" })).toEqual(["P", "R", "S"]);
    expect(authorize(memberships, { permission: "project.app.write" })).toEqual(["P", "S"]);
  });

  test("only projects whose role grants the permission count", () => {
    const memberships = [proj("P", "PROJECT_OWNER_VIEWER"), proj("Q", PROJECT_OWNER)];
    expectDomainError(() => authorize(memberships, { permission: "project.app.write", projectId: "P" }), "PermissionDenied", "AUTH-3jknH");
    expect(authorize(memberships, { permission: "project.app.write", projectId: "Q" })).toEqual(["Q"]);
  });

  test("case 30: ORG_OWNER_VIEWER may read apps ('all') but not write → AUTH-5mWD2", () => {
    expect(authorize([org("ORG_OWNER_VIEWER")], { permission: "project.app.read", projectId: "P" })).toBe("all");
    expectDomainError(() => authorize([org("ORG_OWNER_VIEWER")], { permission: "project.app.write", projectId: "P" }), "PermissionDenied", "AUTH-5mWD2");
  });

  test("case 76/84: IAM_LOGIN_CLIENT and IAM_OWNER_VIEWER may read apps but not write them", () => {
    for (const role of ["IAM_LOGIN_CLIENT", "IAM_OWNER_VIEWER"]) {
      expect(authorize([iam(role)], { permission: "project.app.read", projectId: "P" })).toBe("all");
      expectDomainError(() => authorize([iam(role)], { permission: "project.app.write", projectId: "P" }), "PermissionDenied", "AUTH-5mWD2");
    }
  });

  test("PROJECT_OWNER_VIEWER of P may read P's apps but not write them (no matching permission at all → AUTH-5mWD2)", () => {
    expect(authorize([proj("P", "PROJECT_OWNER_VIEWER")], { permission: "project.app.read", projectId: "P" })).toEqual(["P"]);
    expectDomainError(() => authorize([proj("P", "PROJECT_OWNER_VIEWER")], { permission: "project.app.write", projectId: "P" }), "PermissionDenied", "AUTH-5mWD2");
  });

  test("memberships with unknown roles only → PermissionDenied AUTH-5mWD2 (not NotFound)", () => {
    expectDomainError(() => authorize([org("NO_SUCH_ROLE")], { permission: "project.app.read" }), "PermissionDenied", "AUTH-5mWD2");
  });

  test("case 58: ORG_OWNER plus PROJECT_OWNER of P may delete apps of P only", () => {
    const memberships = [org(ORG_OWNER), proj("P", PROJECT_OWNER)];
    expect(authorize(memberships, { permission: "project.app.delete", projectId: "P" })).toEqual(["P"]);
    expectDomainError(() => authorize(memberships, { permission: "project.app.delete", projectId: "Q" }), "PermissionDenied", "AUTH-3jknH");
    // A global grant wins over project lists.
    expect(authorize(memberships, { permission: "project.app.write", projectId: "Q" })).toBe("all");
  });

  test("roles of several global memberships add up", () => {
    expect(authorize([org("ORG_OWNER_VIEWER"), iam("IAM_USER_MANAGER")], { permission: "user.write" })).toBe("all");
    expect(authorize([org("ORG_PROJECT_CREATOR"), org("ORG_OWNER_VIEWER")], { permission: "project.create" })).toBe("all");
  });
});


describe("readScope (the v2 lists across the instance)", () => {
  const member = (scope: "instance" | "org" | "project", objectId: string, orgId: string, ...roles: string[]) => ({ scope, objectId, orgId, roles });

  test("an instance role that grants the permission reaches every org", () => {
    expect(readScope([member("instance", "i1", "", "IAM_OWNER_VIEWER"), member("org", "o1", "o1", ORG_OWNER)], "project.app.read")).toBe("all");
  });

  test("org roles reach their orgs, project roles their projects; roles without the permission reach nothing", () => {
    const scope = readScope(
      [member("org", "o1", "o1", ORG_OWNER), member("org", "o2", "o2", "ORG_PROJECT_CREATOR"), member("project", "p9", "o3", PROJECT_OWNER), member("instance", "i1", "", "IAM_USER_MANAGER")],
      "project.app.read",
    );
    expect(scope).toEqual({ orgIds: ["o1"], projectIds: ["p9"] });
  });

  test("no membership at all is an empty scope, not an error", () => {
    expect(readScope([], "project.app.read")).toEqual({ orgIds: [], projectIds: [] });
  });
});
