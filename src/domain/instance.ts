import { decide, type Decision } from "./decision.js";
import { event } from "./events.js";

export function addInstance(instanceId: string, name: string): Decision {
  return decide([event("instance", instanceId, "instance.added", { name })]);
}
