import { ApiAuthMethod, type AppState } from "./app.js";
import { decide, type Decision } from "./decision.js";
import { failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event } from "./events.js";

/** ZITADEL's "no expiration": keys without a date expire at the end of year 9999. */
export const NO_EXPIRATION = new Date("9999-12-31T23:59:59Z");

/** The only key type there is: a JSON key file. */
export const KEY_TYPE_JSON = 1;

export interface AppKeyState {
  id: string;
  projectId: string;
  appId: string;
}

export interface NewAppKey {
  keyId: string;
  /** Absent means no expiration. */
  expiration?: Date;
  /** PEM of the public key; the private key never enters an event. */
  publicKeyPem: string;
}

/** Validated before the (costly) key pair is generated. */
export function checkKeyAllowed(app: AppState | undefined, expiration: Date | undefined, now: Date): AppState {
  if (!app) throw failedPrecondition("COMMAND-sak25", "Application not found");
  if (app.authMethod !== ApiAuthMethod.PrivateKeyJwt) {
    throw failedPrecondition("COMMAND-Dff54", "Chosen Auth Method does not require a key");
  }
  if (expiration && expiration.getTime() < now.getTime()) {
    throw invalidArgument("DOMAIN-dv3t5", "Errors.AuthNKey.ExpireBeforeNow");
  }
  return app;
}

export function addAppKey(app: AppState | undefined, key: NewAppKey, now: Date): Decision {
  const current = checkKeyAllowed(app, key.expiration, now);
  return decide([
    event("project", current.projectId, "project.application.oidc.key.added", {
      applicationId: current.id,
      clientId: current.clientId,
      keyId: key.keyId,
      type: KEY_TYPE_JSON,
      expirationDate: (key.expiration ?? NO_EXPIRATION).toISOString(),
      publicKey: Buffer.from(key.publicKeyPem, "utf8").toString("base64"),
    }),
  ]);
}

export function removeAppKey(key: AppKeyState | undefined): Decision {
  if (!key) throw notFound("COMMAND-4m77G", "Application key not found");
  return decide([event("project", key.projectId, "project.application.oidc.key.removed", { keyId: key.id })]);
}
