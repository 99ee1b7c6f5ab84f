import { decide, type Decision } from "./decision.js";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event, type ProjectSettings } from "./events.js";
import { checkMetadataChange, namesAnything, type MetadataChange } from "./object-metadata.js";
import { claimProjectId, claimProjectName, releaseProjectName } from "./unique-constraints.js";

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

/**
 * A project with a generated id, or with one the caller chose (v2's project_id): a chosen id is also
 * claimed, so that two creations racing with one id end in one project and one AlreadyExists.
 */
export function addProject(projectId: string, orgId: string, input: ProjectInput, idChosen = false, metadata?: MetadataChange): Decision {
  if (input.name === "") throw invalidArgument("PROJECT-IOVCC", "Project is invalid");
  if (metadata) checkMetadataChange(metadata);
  return decide(
    [
      event("project", projectId, "project.added", { name: input.name, ...presentSettings(input.settings) }),
      ...(metadata && namesAnything(metadata) ? [event("project", projectId, "project.keygate.metadata.set", metadata)] : []),
    ],
    [claimProjectName(orgId, input.name), ...(idChosen ? [claimProjectId(projectId)] : [])],
  );
}

/** A project id once taken (by a project of any org, removed ones included) is never given again. */
export const projectIdTaken = () => alreadyExists("COMMAND-opamwu", "Project already exists");

/** What an update sets: v1 sends every field, v2 only those it names. */
export interface ProjectUpdate {
  name?: string;
  settings: ProjectSettings;
}

/** Like ZITADEL, an update that changes nothing succeeds without an event. */
export function updateProject(project: ProjectState | undefined, input: ProjectUpdate): Decision {
  if (input.name === "") throw invalidArgument("PROJECT-2m9fs", "Project is invalid");
  const current = requireProject(project, "COMMAND-3M9sd");
  const changes: Partial<ProjectSettings & { name: string }> = {};
  if (input.name !== undefined && input.name !== current.name) changes.name = input.name;
  for (const key of Object.keys(input.settings) as (keyof ProjectSettings)[]) {
    const value = input.settings[key];
    if (value !== undefined && value !== current.settings[key]) Object.assign(changes, { [key]: value });
  }
  if (Object.keys(changes).length === 0) return decide([]);
  const nameChange = changes.name === undefined ? [] : [releaseProjectName(current.owner, current.name), claimProjectName(current.owner, changes.name)];
  return decide([event("project", current.id, "project.changed", changes)], nameChange);
}

/** keygate.v1's update: the fields named replace the project's; naming none decides no event. */
export function describeProject(project: ProjectState | undefined, change: MetadataChange): Decision {
  const current = requireProject(project, "COMMAND-kgD4p");
  checkMetadataChange(change);
  return decide(namesAnything(change) ? [event("project", current.id, "project.keygate.metadata.set", change)] : []);
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
