import { describe, expect, test } from "vitest";
import { addApiApp, ApiAuthMethod, describeApp, type AppState } from "../../src/domain/app.js";
import { checkMetadataChange } from "../../src/domain/object-metadata.js";
import { addProject, describeProject, type ProjectState } from "../../src/domain/project.js";
import { expectDomainError } from "./expect-domain-error.js";

const project: ProjectState = {
  id: "p1",
  owner: "o1",
  name: "p",
  state: "active",
  settings: { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 },
};
const app: AppState = { id: "a1", projectId: "p1", name: "a", state: "active", clientId: "c1", authMethod: ApiAuthMethod.Basic };

describe("app and project metadata", () => {
  test("limits: description 500 characters (code points), version 200, 10 contacts, e-mail addresses, no duplicates", () => {
    expect(() => checkMetadataChange({ description: "é".repeat(500), version: "v".repeat(200) })).not.toThrow();
    expect(() => checkMetadataChange({ description: "😀".repeat(500) })).not.toThrow();
    expectDomainError(() => checkMetadataChange({ description: "x".repeat(501) }), "InvalidArgument", "KEYGATE-mdd01", "invalid description: at most 500 characters, got 501");
    expectDomainError(() => checkMetadataChange({ version: "x".repeat(201) }), "InvalidArgument", "KEYGATE-mdv01");
    const ten = Array.from({ length: 10 }, (_, i) => `owner${i}@example.com`);
    expect(() => checkMetadataChange({ ownerContacts: ten })).not.toThrow();
    expectDomainError(() => checkMetadataChange({ ownerContacts: [...ten, "x@example.com"] }), "InvalidArgument", "KEYGATE-mdc01");
    for (const bad of ["", "plain", "a@b", "a@@b.c", "a b@c.de", "a@-b.de", "<a@b.de>"]) {
      const error = expectDomainError(() => checkMetadataChange({ ownerContacts: ["ok@example.com", bad] }), "InvalidArgument", "KEYGATE-mdc02");
      expect(error.text).toContain("invalid owner_contacts[1]: ");
    }
    expectDomainError(() => checkMetadataChange({ ownerContacts: ["a@b.de", "A@b.de"] }), "InvalidArgument", "KEYGATE-mdc03");
    expectDomainError(() => checkMetadataChange({ labels: { "a/b/c": "" } }), "InvalidArgument", "KEYGATE-lbl02");
  });

  test("a new app or project records the fields given in the same decision; a refused field decides nothing", () => {
    const created = addApiApp(project, { appId: "a2", clientId: "c2", name: "n", authMethod: ApiAuthMethod.Basic, metadata: { version: "1.0", labels: { team: "x" } } });
    expect(created.events.map((e) => e.type)).toEqual(["project.application.added", "project.application.config.api.added", "project.application.keygate.metadata.set"]);
    expect(created.events[2]!.payload).toEqual({ appId: "a2", version: "1.0", labels: { team: "x" } });
    expect(addApiApp(project, { appId: "a2", clientId: "c2", name: "n", authMethod: ApiAuthMethod.Basic, metadata: {} }).events).toHaveLength(2);
    expectDomainError(
      () => addApiApp(project, { appId: "a2", clientId: "c2", name: "n", authMethod: ApiAuthMethod.Basic, metadata: { labels: { "-": "" } } }),
      "InvalidArgument",
      "KEYGATE-lbl02",
    );
    expect(addProject("p2", "o1", { name: "n", settings: project.settings }, false, { description: "d" }).events.map((e) => e.type)).toEqual([
      "project.added",
      "project.keygate.metadata.set",
    ]);
  });

  test("an update names only what it changes; naming nothing decides no event; a missing object is NotFound", () => {
    expect(describeApp(app, { description: "" }).events[0]!.payload).toEqual({ appId: "a1", description: "" });
    expect(describeApp(app, {}).events).toEqual([]);
    expect(describeProject(project, { ownerContacts: [] }).events[0]!.payload).toEqual({ ownerContacts: [] });
    expectDomainError(() => describeApp(undefined, {}), "NotFound", "COMMAND-kgD4a");
    expectDomainError(() => describeProject(undefined, {}), "NotFound", "COMMAND-kgD4p");
  });
});
