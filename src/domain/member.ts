import { decide, type Decision } from "./decision.js";
import { event } from "./events.js";

/** The instance-wide membership of a user, e.g. the bootstrap admin's IAM_OWNER. */
export function addInstanceMember(instanceId: string, userId: string, roles: string[]): Decision {
  return decide([event("instance", instanceId, "instance.member.added", { userId, roles })]);
}
