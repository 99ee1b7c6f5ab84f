import { decide, type Decision } from "./decision.js";
import { invalidArgument } from "./errors.js";
import { event } from "./events.js";
import { ORG_OWNER } from "./roles.js";
import { claimOrgName } from "./unique-constraints.js";

/**
 * A new org with its generated primary domain, and its creator as ORG_OWNER, in one push as ZITADEL does.
 * The name is trimmed first, as ZITADEL trims it.
 */
export function addOrg(orgId: string, name: string, instanceDomain: string, creatorUserId: string): Decision {
  const trimmed = name.trim();
  if (trimmed === "") throw invalidArgument("EVENT-Mf9sd", "Organisation is invalid");
  const domain = `${orgDomainLabel(trimmed)}.${instanceDomain}`;
  return decide(
    [
      event("org", orgId, "org.added", { name: trimmed }),
      event("org", orgId, "org.domain.added", { domain }),
      event("org", orgId, "org.domain.verified", { domain }),
      event("org", orgId, "org.domain.primary.set", { domain }),
      event("org", orgId, "org.member.added", { userId: creatorUserId, roles: [ORG_OWNER] }),
    ],
    [claimOrgName(trimmed)],
  );
}

/** Spaces become dashes; anything but letters, marks, digits and dashes is dropped; at most 63 characters. */
export function orgDomainLabel(name: string): string {
  return name
    .toLowerCase()
    .replace(/\s+/gu, "-")
    .replace(/[^\p{L}\p{M}\p{N}-]/gu, "")
    .slice(0, 63);
}
