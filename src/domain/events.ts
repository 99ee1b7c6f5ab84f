import type { AppMetadataChange, MetadataChange } from "./object-metadata.js";

/**
 * Event types and payloads, named and shaped as ZITADEL's so that the events table reads the same.
 * Apps and app keys are entities inside the `project` aggregate, as in ZITADEL.
 */
export type AggregateType = "instance" | "org" | "project" | "user" | "key_pair" | "oidc_session";

export interface EventPayloads {
  "instance.added": { name: string };
  "instance.member.added": { userId: string; roles: string[] };
  "instance.member.changed": { userId: string; roles: string[] };
  "instance.member.removed": { userId: string };

  "org.added": { name: string };
  "org.domain.added": { domain: string };
  "org.domain.verified": { domain: string };
  "org.domain.primary.set": { domain: string };
  "org.member.added": { userId: string; roles: string[] };
  "org.member.changed": { userId: string; roles: string[] };
  "org.member.removed": { userId: string };

  "project.added": ProjectSettings & { name: string };
  "project.changed": Partial<ProjectSettings & { name: string }>;
  "project.deactivated": null;
  "project.reactivated": null;
  "project.removed": null;
  "project.member.added": { userId: string; roles: string[] };
  "project.member.changed": { userId: string; roles: string[] };
  "project.member.removed": { userId: string };
  "project.role.added": { key: string; displayName?: string; group?: string };
  "project.role.changed": { key: string; displayName?: string; group?: string };
  "project.role.removed": { key: string };
  /** keygate's own (keygate.v1): the metadata fields named, each replacing what the project had. */
  "project.keygate.metadata.set": MetadataChange;

  "project.application.added": { appId: string; name: string };
  "project.application.changed": { appId: string; name: string };
  "project.application.deactivated": { appId: string };
  "project.application.reactivated": { appId: string };
  "project.application.removed": { appId: string };
  /** `lastFour` (of the secret's plaintext) is keygate's addition, absent from events written before it. */
  "project.application.config.api.added": { appId: string; clientId: string; hashedSecret?: string; lastFour?: string; authMethodType?: number };
  "project.application.config.api.changed": { appId: string; authMethodType: number };
  /** Replaces every secret of the app (keygate's secrets included) by this one; `lastFour` as above. */
  "project.application.config.api.secret.changed": { appId: string; hashedSecret: string; lastFour?: string };
  /** keygate's own: one more secret of an API app (app-secret.ts); `expirationDate` absent means none. */
  "keygate.app.secret.added": { appId: string; secretId: string; hashedSecret: string; lastFour: string; expirationDate?: string };
  "keygate.app.secret.removed": { appId: string; secretId: string };
  "project.application.oidc.key.added": {
    applicationId: string;
    clientId: string;
    keyId: string;
    type: number;
    expirationDate: string;
    publicKey: string;
  };
  "project.application.oidc.key.removed": { keyId: string };
  /** keygate's own (keygate.v1): the metadata fields named, each replacing what the app had. */
  "project.application.keygate.metadata.set": AppMetadataChange & { appId: string };
  /** keygate's own (issue 15): project roles an API app holds, and its opt-in to the client credentials grant. */
  "keygate.app.role.added": { appId: string; roleKey: string };
  "keygate.app.role.removed": { appId: string; roleKey: string };
  "keygate.app.client_credentials.set": { appId: string; enabled: boolean; accessTokenType?: number };

  "user.machine.added": { userName: string; name: string; description?: string; accessTokenType?: number };
  "user.machine.changed": { name?: string; description?: string; accessTokenType?: number };
  "user.deactivated": null;
  "user.reactivated": null;
  "user.removed": { userName: string };
  "user.personal.access.token.added": { tokenId: string; expiration: string; scopes: string[]; tokenDigest: string };
  "user.personal.access.token.removed": { tokenId: string };
  "user.machine.secret.set": { hashedSecret: string };
  "user.machine.secret.removed": null;
  "user.machine.key.added": { keyId: string; type: number; expirationDate: string; publicKey: string };
  "user.machine.key.removed": { keyId: string };

  /** An instance's token-signing key; the private key encrypted under the master key. */
  "key_pair.added": { usage: number; algorithm: string; privateKey: { key: string; expiry: string }; publicKey: { key: string; expiry: string } };

  /** A token issued to a service user (one session per token, as ZITADEL's client credentials and JWT profile grants). */
  "oidc_session.added": { userID: string; clientID: string; audience: string[]; scope: string[]; authMethods: string[]; authTime: string };
  /** `tokenDigest` for opaque tokens only; `keyID` when the user authenticated with one of its keys. */
  "oidc_session.access_token.added": { id: string; scope: string[]; lifetime: number; expiration: string; tokenDigest?: string; tokenType: "bearer" | "jwt"; keyID?: string };
  "oidc_session.access_token.revoked": { id: string };
  /**
   * keygate's own: a token an API app obtained for itself (client credentials grant), one event per
   * token. `keyID` when the app authenticated with one of its keys, `tokenDigest` for opaque tokens.
   */
  "keygate.app.token.added": {
    appId: string;
    projectId: string;
    clientID: string;
    audience: string[];
    scope: string[];
    authMethods: string[];
    authTime: string;
    expiration: string;
    tokenType: "bearer" | "jwt";
    tokenDigest?: string;
    keyID?: string;
    secretID?: string;
  };
}

export type EventType = keyof EventPayloads;

/** Project settings as ZITADEL's `project.added` carries them; false/0 values are left out. */
export interface ProjectSettings {
  projectRoleAssertion?: boolean;
  projectRoleCheck?: boolean;
  hasProjectCheck?: boolean;
  privateLabelingSetting?: number;
}

/** An event a command decided on, before the store gives it a sequence. */
export type PendingEvent = {
  [T in EventType]: { aggregateType: AggregateType; aggregateId: string; type: T; payload: EventPayloads[T] };
}[EventType];

/** An event as stored. */
export type StoredEvent = PendingEvent & {
  instanceId: string;
  sequence: number;
  revision: number;
  createdAt: Date;
  creator: string;
  owner: string;
  position: string;
  inTxOrder: number;
};

export function event<T extends EventType>(
  aggregateType: AggregateType,
  aggregateId: string,
  type: T,
  payload: EventPayloads[T],
): PendingEvent {
  return { aggregateType, aggregateId, type, payload } as PendingEvent;
}

/** Narrows a stored event to one type, for projections that handle it. */
export type EventOf<T extends EventType> = StoredEvent & { type: T; payload: EventPayloads[T] };
