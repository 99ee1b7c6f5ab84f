import type { Decision } from "../../domain/decision.js";
import type { MetadataChange } from "../../domain/object-metadata.js";
import * as project from "../../domain/project.js";
import type { ProjectInput, ProjectUpdate } from "../../domain/project.js";
import type { Actor } from "../event-store.js";
import { aggregateIdTaken, loadProject, type ProjectSnapshot } from "../write-models.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

/** A project in the org context, with a generated id or the one the caller chose (`projectId`). */
export async function addProject(
  deps: CommandDeps,
  actor: Actor,
  input: ProjectInput,
  projectId?: string,
  metadata?: MetadataChange,
): Promise<{ id: string; details: WriteDetails }> {
  const id = projectId ?? deps.ids.next();
  const events = await deps.store.execute(actor, { type: "project", id }, async (tx) => {
    // A generated id is new by construction; only a chosen one is looked up.
    if (projectId !== undefined && (await aggregateIdTaken({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, "project", id))) throw project.projectIdTaken();
    return project.addProject(id, actor.orgId, input, projectId !== undefined, metadata);
  });
  return { id, details: detailsOf(events) };
}

/** An update that changes nothing answers with the details of the project as it is, like ZITADEL. */
export async function updateProject(deps: CommandDeps, actor: Actor, projectId: string, input: ProjectUpdate): Promise<WriteDetails> {
  let current: ProjectSnapshot | undefined;
  const events = await onProject(deps, actor, projectId, (state) => {
    current = state;
    return project.updateProject(state, input);
  });
  if (events.length > 0 || !current) return detailsOf(events);
  return { sequence: current.sequence, date: current.changeDate, resourceOwner: current.owner };
}

/** keygate.v1's update of a project's metadata; undefined when the change names nothing. */
export const describeProject = (deps: CommandDeps, actor: Actor, projectId: string, change: MetadataChange) =>
  onProject(deps, actor, projectId, (state) => project.describeProject(state, change)).then((events) => (events.length > 0 ? detailsOf(events) : undefined));

export const deactivateProject = (deps: CommandDeps, actor: Actor, projectId: string) =>
  onProject(deps, actor, projectId, project.deactivateProject).then(detailsOf);

export const reactivateProject = (deps: CommandDeps, actor: Actor, projectId: string) =>
  onProject(deps, actor, projectId, project.reactivateProject).then(detailsOf);

export const removeProject = (deps: CommandDeps, actor: Actor, projectId: string) =>
  onProject(deps, actor, projectId, project.removeProject).then(detailsOf);

function onProject(deps: CommandDeps, actor: Actor, projectId: string, decide: (state: ProjectSnapshot | undefined) => Decision) {
  return deps.store.execute(actor, { type: "project", id: projectId }, async (tx) =>
    decide(await loadProject({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, projectId)),
  );
}
