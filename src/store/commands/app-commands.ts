import * as app from "../../domain/app.js";
import { ApiAuthMethod, type AppState } from "../../domain/app.js";
import type { Decision } from "../../domain/decision.js";
import { lastFourOf, type NewSecret } from "../../domain/app-secret.js";
import type { AppMetadataChange } from "../../domain/object-metadata.js";
import { generateClientSecret } from "../../domain/secrets.js";
import type { Actor } from "../event-store.js";
import { appIdTaken, loadApiApp, loadProject } from "../write-models.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

export interface AddedApiApp {
  appId: string;
  clientId: string;
  /** Plaintext, BASIC apps only: returned this once and never stored. */
  clientSecret?: string;
  details: WriteDetails;
}

/**
 * The app id is taken first and the client id second, as in ZITADEL; a caller may choose the app
 * id instead (v2's application_id), which must then be free in the whole instance.
 */
export async function addApiApp(
  deps: CommandDeps,
  actor: Actor,
  projectId: string,
  input: { name: string; authMethod: ApiAuthMethod; appId?: string; metadata?: AppMetadataChange },
): Promise<AddedApiApp> {
  const chosenId = input.appId !== undefined;
  const appId = input.appId ?? deps.ids.next();
  const clientId = deps.ids.next();
  const clientSecret = input.authMethod === ApiAuthMethod.Basic ? generateClientSecret() : undefined;
  const secret = clientSecret === undefined ? undefined : await newSecret(deps, clientSecret);
  const events = await deps.store.execute(actor, { type: "project", id: projectId }, async (tx) => {
    const scope = { tx, instanceId: actor.instanceId, orgId: actor.orgId };
    const [project, idTaken] = await Promise.all([loadProject(scope, projectId), chosenId ? appIdTaken(scope, appId) : false]);
    const newApp = {
      appId,
      clientId,
      chosenId,
      name: input.name,
      authMethod: input.authMethod,
      ...(secret ? { secret } : {}),
      ...(input.metadata ? { metadata: input.metadata } : {}),
    };
    return app.addApiApp(project, newApp, idTaken);
  });
  return { appId, clientId, ...(clientSecret ? { clientSecret } : {}), details: detailsOf(events) };
}

export const renameApp = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, name: string) =>
  onApp(deps, actor, projectId, appId, (state) => app.renameApp(state, name)).then(detailsOf);

export const updateApiApp = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, change: { name?: string; authMethod?: ApiAuthMethod }) =>
  onApp(deps, actor, projectId, appId, (state) => app.updateApiApp(state, change)).then((events) => (events.length > 0 ? detailsOf(events) : undefined));

/** keygate.v1's update of an app's metadata; undefined when the change names nothing. */
export const describeApp = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, change: AppMetadataChange) =>
  onApp(deps, actor, projectId, appId, (state) => app.describeApp(state, change)).then((events) => (events.length > 0 ? detailsOf(events) : undefined));

export const changeApiAuthMethod = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, authMethod: ApiAuthMethod) =>
  onApp(deps, actor, projectId, appId, (state) => app.changeApiAuthMethod(state, authMethod)).then(detailsOf);

/** The new plaintext is returned once; only its hash is appended, and every other secret of the app stops verifying. */
export async function regenerateApiSecret(deps: CommandDeps, actor: Actor, projectId: string, appId: string) {
  const clientSecret = generateClientSecret();
  const secret = await newSecret(deps, clientSecret);
  const events = await onApp(deps, actor, projectId, appId, (state) => app.changeApiSecret(state, secret));
  return { clientSecret, details: detailsOf(events) };
}

export const deactivateApp = (deps: CommandDeps, actor: Actor, projectId: string, appId: string) =>
  onApp(deps, actor, projectId, appId, app.deactivateApp).then(detailsOf);

export const reactivateApp = (deps: CommandDeps, actor: Actor, projectId: string, appId: string) =>
  onApp(deps, actor, projectId, appId, app.reactivateApp).then(detailsOf);

export const removeApp = (deps: CommandDeps, actor: Actor, projectId: string, appId: string) =>
  onApp(deps, actor, projectId, appId, app.removeApp).then(detailsOf);

function onApp(deps: CommandDeps, actor: Actor, projectId: string, appId: string, decide: (state: AppState | undefined) => Decision) {
  return deps.store.execute(actor, { type: "project", id: projectId }, async (tx) =>
    decide(await loadApiApp({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, projectId, appId)),
  );
}

/** What is stored of a new secret: its hash and last four characters. */
export async function newSecret(deps: CommandDeps, plaintext: string): Promise<NewSecret> {
  return { hash: await deps.hashSecret(plaintext), lastFour: lastFourOf(plaintext) };
}
