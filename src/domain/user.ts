import { decide, type Decision } from "./decision.js";
import { invalidArgument } from "./errors.js";
import { event } from "./events.js";
import { claimUserName } from "./unique-constraints.js";

export interface NewMachineUser {
  userName: string;
  name: string;
  description?: string;
}

export function addMachineUser(userId: string, orgId: string, user: NewMachineUser): Decision {
  if (user.userName === "" || user.name === "") throw invalidArgument("USER-bm9sf", "Errors.User.Invalid");
  return decide(
    [event("user", userId, "user.machine.added", { userName: user.userName, name: user.name, ...(user.description ? { description: user.description } : {}) })],
    [claimUserName(orgId, user.userName)],
  );
}

export function addPersonalAccessToken(userId: string, tokenId: string, tokenDigest: string, expiration: Date): Decision {
  return decide([
    event("user", userId, "user.personal.access.token.added", { tokenId, expiration: expiration.toISOString(), scopes: ["openid"], tokenDigest }),
  ]);
}
