import { ApiAuthMethod, type AppState } from "./app.js";
import { decide, type Decision } from "./decision.js";
import { addedKeyPayload, requireFutureExpiration, type NewKey } from "./authn-key.js";
import { failedPrecondition, notFound } from "./errors.js";
import { event } from "./events.js";

export interface AppKeyState {
  id: string;
  projectId: string;
  appId: string;
}

/** Validated before the (costly) key pair is generated. */
export function checkKeyAllowed(app: AppState | undefined, expiration: Date | undefined, now: Date): AppState {
  if (!app) throw failedPrecondition("COMMAND-sak25", "Application not found");
  if (app.authMethod !== ApiAuthMethod.PrivateKeyJwt) {
    throw failedPrecondition("COMMAND-Dff54", "Chosen Auth Method does not require a key");
  }
  requireFutureExpiration(expiration, now);
  return app;
}

export function addAppKey(app: AppState | undefined, key: NewKey, now: Date): Decision {
  const current = checkKeyAllowed(app, key.expiration, now);
  return decide([
    event("project", current.projectId, "project.application.oidc.key.added", {
      applicationId: current.id,
      clientId: current.clientId,
      ...addedKeyPayload(key),
    }),
  ]);
}

export function removeAppKey(key: AppKeyState | undefined): Decision {
  if (!key) throw notFound("COMMAND-4m77G", "Application key not found");
  return decide([event("project", key.projectId, "project.application.oidc.key.removed", { keyId: key.id })]);
}
