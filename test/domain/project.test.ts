import { describe, expect, test } from "vitest";
import {
  addProject,
  deactivateProject,
  type ProjectState,
  reactivateProject,
  removeProject,
  updateProject,
} from "../../src/domain/project.js";
import { constraintKeys, expectClaimError, expectDomainError } from "./expect-domain-error.js";

const noSettings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };
const allSettings = { projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 2 };
const project: ProjectState = { id: "p1", owner: "org1", name: "P", state: "active", settings: noSettings };
const inactive: ProjectState = { ...project, state: "inactive" };

const onProject = (type: string, payload: unknown) => ({ aggregateType: "project", aggregateId: "p1", type, payload });

describe("addProject", () => {
  test("case 6: emits project.added {name} with false/0 settings left out", () => {
    const decision = addProject("p1", "org1", { name: "P", settings: noSettings });
    expect(decision.events).toStrictEqual([onProject("project.added", { name: "P" })]);
  });

  test("true and non-zero settings are carried in project.added", () => {
    const decision = addProject("p1", "org1", { name: "P", settings: allSettings });
    expect(decision.events).toStrictEqual([
      onProject("project.added", { name: "P", projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 2 }),
    ]);
  });

  test("only the set settings appear", () => {
    const decision = addProject("p1", "org1", { name: "P", settings: { ...noSettings, projectRoleCheck: true, privateLabelingSetting: 1 } });
    expect(decision.events[0]!.payload).toStrictEqual({ name: "P", projectRoleCheck: true, privateLabelingSetting: 1 });
  });

  test("case 7: claims project_names on name+orgId with AlreadyExists 'Project already exists on organization'", () => {
    const decision = addProject("p1", "org1", { name: "P", settings: noSettings });
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([{ action: "add", type: "project_names", field: "Porg1" }]);
    expectClaimError(decision.uniqueConstraints[0], "Project already exists on organization");
  });

  test("a caller-chosen id is claimed as well (project_id), so that a racing second creation fails", () => {
    const decision = addProject("my/project id", "org1", { name: "P", settings: noSettings }, true);
    expect(decision.events[0]!.aggregateId).toBe("my/project id");
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([
      { action: "add", type: "project_names", field: "Porg1" },
      { action: "add", type: "project_id", field: "my/project id" },
    ]);
    expectClaimError(decision.uniqueConstraints[1], "Project already exists");
  });

  test("an empty name → InvalidArgument PROJECT-IOVCC", () => {
    expectDomainError(() => addProject("p1", "org1", { name: "", settings: noSettings }), "InvalidArgument", "PROJECT-IOVCC", "Project is invalid");
  });

  test("a blank name is not trimmed and is accepted", () => {
    expect(addProject("p1", "org1", { name: " ", settings: noSettings }).events[0]!.payload).toStrictEqual({ name: " " });
  });
});

describe("updateProject", () => {
  test("v2's partial update changes only what it names; naming nothing changes nothing", () => {
    const decision = updateProject({ ...project, settings: allSettings }, { settings: { hasProjectCheck: false } });
    expect(decision.events).toStrictEqual([onProject("project.changed", { hasProjectCheck: false })]);
    expect(decision.uniqueConstraints).toEqual([]);
    expect(updateProject(project, { settings: {} }).events).toEqual([]);
    const renamed = updateProject(project, { name: "Q", settings: {} });
    expect(renamed.events).toStrictEqual([onProject("project.changed", { name: "Q" })]);
    expect(constraintKeys(renamed.uniqueConstraints)).toEqual([
      { action: "remove", type: "project_names", field: "Porg1" },
      { action: "add", type: "project_names", field: "Qorg1" },
    ]);
  });

  test("case 8: identical values → success with no events and no constraint changes", () => {
    const decision = updateProject(project, { name: "P", settings: noSettings });
    expect(decision.events).toEqual([]);
    expect(decision.uniqueConstraints).toEqual([]);
    const withSettings = updateProject({ ...project, settings: allSettings }, { name: "P", settings: allSettings });
    expect(withSettings.events).toEqual([]);
  });

  test("a name change emits project.changed {name} only and swaps project_names (release first)", () => {
    const decision = updateProject(project, { name: "Q", settings: noSettings });
    expect(decision.events).toStrictEqual([onProject("project.changed", { name: "Q" })]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([
      { action: "remove", type: "project_names", field: "Porg1" },
      { action: "add", type: "project_names", field: "Qorg1" },
    ]);
    expectClaimError(decision.uniqueConstraints[1], "Project already exists on organization");
  });

  test("a case-only rename is a change", () => {
    const decision = updateProject(project, { name: "p", settings: noSettings });
    expect(decision.events).toStrictEqual([onProject("project.changed", { name: "p" })]);
  });

  test("project.changed carries only the changed settings, false/0 included when they changed", () => {
    const on = updateProject(project, { name: "P", settings: { ...noSettings, hasProjectCheck: true } });
    expect(on.events).toStrictEqual([onProject("project.changed", { hasProjectCheck: true })]);
    expect(on.uniqueConstraints).toEqual([]);
    const off = updateProject({ ...project, settings: allSettings }, { name: "P", settings: { ...allSettings, projectRoleAssertion: false, privateLabelingSetting: 0 } });
    expect(off.events).toStrictEqual([onProject("project.changed", { projectRoleAssertion: false, privateLabelingSetting: 0 })]);
  });

  test("name and settings change together in one project.changed", () => {
    const decision = updateProject(project, { name: "Q", settings: { ...noSettings, projectRoleCheck: true } });
    expect(decision.events).toStrictEqual([onProject("project.changed", { name: "Q", projectRoleCheck: true })]);
  });

  test("an inactive project can be updated", () => {
    expect(updateProject(inactive, { name: "Q", settings: noSettings }).events).toHaveLength(1);
  });

  test("case 9/12: unknown (or removed) project → NotFound COMMAND-3M9sd", () => {
    expectDomainError(() => updateProject(undefined, { name: "P", settings: noSettings }), "NotFound", "COMMAND-3M9sd", "Project not found");
  });

  test("an empty name → InvalidArgument 'Project is invalid'", () => {
    expectDomainError(() => updateProject(project, { name: "", settings: noSettings }), "InvalidArgument", "PROJECT-2m9fs", "Project is invalid");
  });
});

describe("deactivateProject / reactivateProject", () => {
  test("case 10: deactivating an active project emits project.deactivated with no payload", () => {
    const decision = deactivateProject(project);
    expect(decision.events).toStrictEqual([onProject("project.deactivated", null)]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("case 10: deactivating twice → FailedPrecondition COMMAND-mki55", () => {
    expectDomainError(() => deactivateProject(inactive), "FailedPrecondition", "COMMAND-mki55", "Project is not active");
  });

  test("deactivating an unknown project → NotFound COMMAND-112M9", () => {
    expectDomainError(() => deactivateProject(undefined), "NotFound", "COMMAND-112M9", "Project not found");
  });

  test("case 11: reactivating an inactive project emits project.reactivated with no payload", () => {
    expect(reactivateProject(inactive).events).toStrictEqual([onProject("project.reactivated", null)]);
  });

  test("case 11: reactivating an active project → FailedPrecondition COMMAND-5M9bs", () => {
    expectDomainError(() => reactivateProject(project), "FailedPrecondition", "COMMAND-5M9bs", "Project is not deactivated");
  });

  test("reactivating an unknown project → NotFound COMMAND-3M9sd", () => {
    expectDomainError(() => reactivateProject(undefined), "NotFound", "COMMAND-3M9sd", "Project not found");
  });
});

describe("removeProject", () => {
  test("case 12: emits project.removed with a null payload and releases only project_names", () => {
    const decision = removeProject(project);
    expect(decision.events).toStrictEqual([onProject("project.removed", null)]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([{ action: "remove", type: "project_names", field: "Porg1" }]);
  });

  test("an inactive project can be removed", () => {
    expect(removeProject(inactive).events.map((e) => e.type)).toEqual(["project.removed"]);
  });

  test("case 12: removing twice (or an unknown project) → NotFound COMMAND-3M9sd", () => {
    expectDomainError(() => removeProject(undefined), "NotFound", "COMMAND-3M9sd", "Project not found");
  });
});
