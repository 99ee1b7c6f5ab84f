import { describe, expect, test } from "vitest";
import { audienceOf, grantScopes, SCOPE_API_AUDIENCE, SCOPE_RESOURCE_OWNER } from "../../src/domain/oauth-scopes.js";

describe("grantScopes", () => {
  test("keeps the scopes keygate knows, in order and once, and drops the others as ZITADEL does", () => {
    const granted = grantScopes(`openid  profile email openid ${SCOPE_RESOURCE_OWNER} offline_access urn:zitadel:iam:org:project:role:reader`);
    expect(granted.scopes).toEqual(["openid", "profile", SCOPE_RESOURCE_OWNER, "urn:zitadel:iam:org:project:role:reader"]);
    expect(granted.apiAccess).toBe(false);
    expect(granted.projectIds).toEqual([]);
  });

  test("project audience scopes name projects; the zitadel one grants API access instead", () => {
    const granted = grantScopes(`urn:zitadel:iam:org:project:id:123:aud ${SCOPE_API_AUDIENCE} urn:zitadel:iam:org:project:id:456:aud`);
    expect(granted.projectIds).toEqual(["123", "456"]);
    expect(granted.apiAccess).toBe(true);
    expect(audienceOf(granted, "instance-1")).toEqual(["123", "456", "instance-1"]);
  });

  test("a malformed project scope is not a project", () => {
    expect(grantScopes("urn:zitadel:iam:org:project:id::aud urn:zitadel:iam:org:project:id:1:2:aud").projectIds).toEqual([]);
  });

  test("no scope grants nothing", () => {
    expect(grantScopes(undefined)).toEqual({ scopes: [], projectIds: [], apiAccess: false });
  });
});
