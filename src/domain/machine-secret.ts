import { decide, type Decision } from "./decision.js";
import { failedPrecondition } from "./errors.js";
import { event } from "./events.js";
import { requireUser, type MachineUserState } from "./user.js";

/**
 * A service user's client secret (client credentials grant, client id = user name). Only its hash is
 * ever appended; setting one replaces the one before, so the old secret stops verifying. Inactive
 * users may get one, as in ZITADEL; the token endpoint refuses them while they are inactive.
 */
export function setMachineSecret(user: MachineUserState | undefined, hashedSecret: string): Decision {
  const current = requireUser(user, "COMMAND-x8910n");
  return decide([event("user", current.id, "user.machine.secret.set", { hashedSecret })]);
}

export function removeMachineSecret(user: MachineUserState | undefined): Decision {
  const current = requireUser(user, "COMMAND-x7s802");
  if (!current.hasSecret) throw failedPrecondition("COMMAND-coi82n", "Secret doesn't exist");
  return decide([event("user", current.id, "user.machine.secret.removed", null)]);
}
