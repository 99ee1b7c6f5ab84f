import { decide, type Decision } from "./decision.js";
import { failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event, type ProjectSettings } from "./events.js";
import { claimProjectName, releaseProjectName } from "./unique-constraints.js";

export type LifecycleState = "active" | "inactive";

/** What project commands need to know of a project (removed projects do not exist). */
export interface ProjectState {
  id: string;
  owner: string;
  name: string;
  state: LifecycleState;
  settings: Required<ProjectSettings>;
}

export interface ProjectInput {
  name: string;
  settings: Required<ProjectSettings>;
}

export function addProject(projectId: string, orgId: string, input: ProjectInput): Decision {
  if (input.name === "") throw invalidArgument("PROJECT-IOVCC", "Project is invalid");
  return decide(
    [event("project", projectId, "project.added", { name: input.name, ...presentSettings(input.settings) })],
    [claimProjectName(orgId, input.name)],
  );
}

/** Like ZITADEL, an update that changes nothing succeeds without an event. */
export function updateProject(project: ProjectState | undefined, input: ProjectInput): Decision {
  if (input.name === "") throw invalidArgument("PROJECT-2m9fs", "Project is invalid");
  const current = requireProject(project, "COMMAND-3M9sd");
  const changes: Partial<ProjectSettings & { name: string }> = {};
  if (input.name !== current.name) changes.name = input.name;
  for (const key of Object.keys(input.settings) as (keyof ProjectSettings)[]) {
    if (input.settings[key] !== current.settings[key]) Object.assign(changes, { [key]: input.settings[key] });
  }
  if (Object.keys(changes).length === 0) return decide([]);
  const nameChange = changes.name === undefined ? [] : [releaseProjectName(current.owner, current.name), claimProjectName(current.owner, input.name)];
  return decide([event("project", current.id, "project.changed", changes)], nameChange);
}

export function deactivateProject(project: ProjectState | undefined): Decision {
  const current = requireProject(project, "COMMAND-112M9");
  if (current.state !== "active") throw failedPrecondition("COMMAND-mki55", "Project is not active");
  return decide([event("project", current.id, "project.deactivated", null)]);
}

export function reactivateProject(project: ProjectState | undefined): Decision {
  const current = requireProject(project, "COMMAND-3M9sd");
  if (current.state !== "inactive") throw failedPrecondition("COMMAND-5M9bs", "Project is not deactivated");
  return decide([event("project", current.id, "project.reactivated", null)]);
}

export function removeProject(project: ProjectState | undefined): Decision {
  const current = requireProject(project, "COMMAND-3M9sd");
  return decide([event("project", current.id, "project.removed", null)], [releaseProjectName(current.owner, current.name)]);
}

function requireProject(project: ProjectState | undefined, errorId: string): ProjectState {
  if (!project) throw notFound(errorId, "Project not found");
  return project;
}

/** `project.added` leaves out false and zero settings, as ZITADEL's payload does. */
function presentSettings(settings: Required<ProjectSettings>): ProjectSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== false && value !== 0));
}
