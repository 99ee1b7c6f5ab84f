import { requireFutureExpiration } from "./authn-key.js";
import { decide, type Decision } from "./decision.js";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event } from "./events.js";
import type { LifecycleState } from "./project.js";
import { claimUserName, releaseUserName } from "./unique-constraints.js";

/** What user commands need to know of a machine user (removed users do not exist). */
export interface UserState {
  id: string;
  owner: string;
  userName: string;
  state: LifecycleState;
}

/** What kind of access token a service user gets from the token endpoint; the numbers are ZITADEL's. */
export enum AccessTokenType {
  Bearer = 0,
  Jwt = 1,
}

/** What a service user's own commands need besides its lifecycle. */
export interface MachineUserState extends UserState {
  name: string;
  description: string;
  accessTokenType: AccessTokenType;
  hasSecret: boolean;
}

export interface NewMachineUser {
  userName: string;
  name: string;
  description?: string;
  accessTokenType?: AccessTokenType;
}

/** Empty and default values are left out of the payload, as ZITADEL's `omitempty` leaves them out. */
export function addMachineUser(userId: string, orgId: string, user: NewMachineUser): Decision {
  if (user.userName.trim() === "" || user.name.trim() === "") throw invalidArgument("COMMAND-bm9Ds", "User is invalid");
  const payload = {
    userName: user.userName,
    name: user.name,
    ...(user.description ? { description: user.description } : {}),
    ...(user.accessTokenType ? { accessTokenType: user.accessTokenType } : {}),
  };
  return decide([event("user", userId, "user.machine.added", payload)], [claimUserName(orgId, user.userName)]);
}

export interface MachineChanges {
  name: string;
  description: string;
  accessTokenType: AccessTokenType;
}

/** Only what differs goes into the event; a change that changes nothing is refused, as in ZITADEL (whose text for it is untranslated). */
export function changeMachine(user: MachineUserState | undefined, input: MachineChanges): Decision {
  if (input.name.trim() === "") throw invalidArgument("COMMAND-bm9Ds", "User is invalid");
  const current = requireUser(user, "COMMAND-5M0od");
  const changes = {
    ...(input.name === current.name ? {} : { name: input.name }),
    ...(input.description === current.description ? {} : { description: input.description }),
    ...(input.accessTokenType === current.accessTokenType ? {} : { accessTokenType: input.accessTokenType }),
  };
  if (Object.keys(changes).length === 0) throw failedPrecondition("COMMAND-2n8vs", "Errors.User.NotChanged");
  return decide([event("user", current.id, "user.machine.changed", changes)]);
}

export function deactivateUser(user: UserState | undefined): Decision {
  const current = requireUser(user, "COMMAND-m0gDf");
  if (current.state !== "active") throw failedPrecondition("COMMAND-5M0sf", "User is already inactive");
  return decide([event("user", current.id, "user.deactivated", null)]);
}

export function reactivateUser(user: UserState | undefined): Decision {
  const current = requireUser(user, "COMMAND-4M9ds");
  if (current.state !== "inactive") throw failedPrecondition("COMMAND-6M0sf", "User is not inactive");
  return decide([event("user", current.id, "user.reactivated", null)]);
}

/** Removing a user also ends its tokens and memberships (in the projections) and frees its name. */
export function removeUser(user: UserState | undefined): Decision {
  const current = requireUser(user, "COMMAND-vaWd2");
  return decide([event("user", current.id, "user.removed", { userName: current.userName })], [releaseUserName(current.owner, current.userName)]);
}

export function addPersonalAccessToken(user: UserState | undefined, tokenId: string, tokenDigest: string, expiration: Date, now: Date): Decision {
  const current = requireUser(user, "COMMAND-Dggw2");
  requireFutureExpiration(expiration, now);
  return decide([
    event("user", current.id, "user.personal.access.token.added", { tokenId, expiration: expiration.toISOString(), scopes: ["openid"], tokenDigest }),
  ]);
}

export function removePersonalAccessToken(userId: string, token: { id: string } | undefined): Decision {
  if (!token) throw notFound("COMMAND-4m77G", "Personal Access Token not found");
  return decide([event("user", userId, "user.personal.access.token.removed", { tokenId: token.id })]);
}

export function requireUser<T extends UserState>(user: T | undefined, errorId: string): T {
  if (!user) throw notFound(errorId, "User could not be found");
  return user;
}

/** A caller-chosen user id that is in use (by any org) cannot be taken again. */
export const userIdTaken = () => alreadyExists("COMMAND-k2dwS", "User already exists");
