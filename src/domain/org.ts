import { decide, type Decision } from "./decision.js";
import { invalidArgument } from "./errors.js";
import { event } from "./events.js";
import { ORG_OWNER } from "./roles.js";
import { claimOrgDomain, claimOrgName } from "./unique-constraints.js";

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
    [claimOrgName(trimmed), claimOrgDomain(domain)],
  );
}

/**
 * ZITADEL's label rules: each space becomes a dash, anything but letters, marks, ASCII digits and
 * dashes is dropped, the label is cut to 63 characters and loses one leading and one trailing dash.
 */
export function orgDomainLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replaceAll(" ", "-")
    .replace(/[^\p{L}\p{M}0-9-]/gu, "")
    .slice(0, 63)
    .replace(/^-/, "")
    .replace(/-$/, "");
  if (label === "") throw invalidArgument("ORG-RrfXY", "Organisation is invalid: its name gives no domain");
  return label;
}
