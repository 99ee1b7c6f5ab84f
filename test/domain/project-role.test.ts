import { describe, expect, test } from "vitest";
import type { ProjectState } from "../../src/domain/project.js";
import { addProjectRoles, changeProjectRole, removeProjectRole, type ProjectRoleState } from "../../src/domain/project-role.js";
import { constraintKeys, expectClaimError, expectDomainError } from "./expect-domain-error.js";

const settings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };
const project: ProjectState = { id: "p1", owner: "org1", name: "P", state: "active", settings };
const admin: ProjectRoleState = { key: "admin", displayName: "Administrator", group: "ops" };

const onProject = (type: string, payload: unknown) => ({ aggregateType: "project", aggregateId: "p1", type, payload });

describe("addProjectRoles", () => {
  test("emits project.role.added {key, displayName, group} per role and claims project_role on key:projectId", () => {
    const decision = addProjectRoles(project, [admin, { key: "Viewer", displayName: "Viewer", group: "" }]);
    expect(decision.events).toStrictEqual([
      onProject("project.role.added", { key: "admin", displayName: "Administrator", group: "ops" }),
      onProject("project.role.added", { key: "Viewer", displayName: "Viewer" }),
    ]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([
      { action: "add", type: "project_role", field: "admin:p1" },
      { action: "add", type: "project_role", field: "Viewer:p1" },
    ]);
    expectClaimError(decision.uniqueConstraints[0], "Role already exists");
  });

  test("an inactive project takes roles; a missing one is FailedPrecondition (COMMAND-EbFMN)", () => {
    expect(addProjectRoles({ ...project, state: "inactive" }, [admin]).events).toHaveLength(1);
    expectDomainError(() => addProjectRoles(undefined, [admin]), "FailedPrecondition", "COMMAND-EbFMN", "Project not found");
  });

  test("an empty key anywhere in the list is InvalidArgument (COMMAND-4m9vS) and nothing is decided", () => {
    expectDomainError(() => addProjectRoles(project, [admin, { ...admin, key: "" }]), "InvalidArgument", "COMMAND-4m9vS", "Role is invalid");
  });

  test("no roles decide nothing", () => {
    expect(addProjectRoles(project, [])).toStrictEqual({ events: [], uniqueConstraints: [] });
  });
});

describe("changeProjectRole", () => {
  test("carries only the fields that differ, keyed by the role's key", () => {
    expect(changeProjectRole(project, admin, "admin", { displayName: "Admins", group: "ops" }).events).toStrictEqual([
      onProject("project.role.changed", { key: "admin", displayName: "Admins" }),
    ]);
    expect(changeProjectRole(project, admin, "admin", { group: "" }).events).toStrictEqual([onProject("project.role.changed", { key: "admin", group: "" })]);
  });

  test("a change without differences is FailedPrecondition (COMMAND-5M0cs), also when nothing is given", () => {
    expectDomainError(() => changeProjectRole(project, admin, "admin", { displayName: "Administrator", group: "ops" }), "FailedPrecondition", "COMMAND-5M0cs", "No changes");
    expectDomainError(() => changeProjectRole(project, admin, "admin", {}), "FailedPrecondition", "COMMAND-5M0cs");
  });

  test("errors in ZITADEL's order: empty key, missing project, missing role", () => {
    expectDomainError(() => changeProjectRole(undefined, undefined, "", { displayName: "x" }), "InvalidArgument", "COMMAND-2ilfW");
    expectDomainError(() => changeProjectRole(undefined, undefined, "admin", { displayName: "x" }), "FailedPrecondition", "COMMAND-EbFMN");
    expectDomainError(() => changeProjectRole(project, undefined, "admin", { displayName: "x" }), "NotFound", "COMMAND-vv8M9", "Role doesn't exist");
  });

  test("claims and releases nothing: the key cannot change", () => {
    expect(changeProjectRole(project, admin, "admin", { displayName: "x" }).uniqueConstraints).toEqual([]);
  });
});

describe("removeProjectRole", () => {
  test("emits project.role.removed {key} and releases the key", () => {
    const decision = removeProjectRole("p1", admin, []);
    expect(decision.events).toStrictEqual([onProject("project.role.removed", { key: "admin" })]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([{ action: "remove", type: "project_role", field: "admin:p1" }]);
  });

  test("the apps holding the role lose it in the same decision, one keygate event per app", () => {
    expect(removeProjectRole("p1", admin, ["a1", "a2"]).events).toStrictEqual([
      onProject("project.role.removed", { key: "admin" }),
      onProject("keygate.app.role.removed", { appId: "a1", roleKey: "admin" }),
      onProject("keygate.app.role.removed", { appId: "a2", roleKey: "admin" }),
    ]);
  });

  test("a missing role is NotFound (COMMAND-m9vMf)", () => {
    expectDomainError(() => removeProjectRole("p1", undefined, ["a1"]), "NotFound", "COMMAND-m9vMf", "Role doesn't exist");
  });
});
