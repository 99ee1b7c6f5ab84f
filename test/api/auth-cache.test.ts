import { describe, expect, test } from "vitest";
import { createAuthCache, invalidatesAuth } from "../../src/api/auth-cache.js";

const owner = { instanceId: "i", userId: "u", orgId: "o" };

describe("auth cache", () => {
  test("a token's owner is looked up once within the TTL, again after it", async () => {
    let t = 0;
    const cache = createAuthCache(1000, () => t);
    let loads = 0;
    const load = async () => (loads++, owner);
    await cache.owner("tok", load);
    await cache.owner("tok", load);
    expect(loads).toBe(1);
    t = 1001;
    await cache.owner("tok", load);
    expect(loads).toBe(2);
  });

  test("never past the token's expiry; unknown tokens are not remembered", async () => {
    let t = 0;
    const cache = createAuthCache(1000, () => t);
    let loads = 0;
    await cache.owner("tok", async () => (loads++, { ...owner, expiresAt: new Date(100) }));
    t = 100;
    expect(await cache.owner("tok", async () => (loads++, undefined))).toBeUndefined();
    expect(loads).toBe(2);
    await cache.owner("tok", async () => (loads++, undefined));
    expect(loads).toBe(3);
  });

  test("clear() forgets everything, including lookups in flight when it happened", async () => {
    const cache = createAuthCache(1000);
    let loads = 0;
    let release!: () => void;
    const slow = cache.memberships("i", "u", "o", () => new Promise((r) => (release = () => r([{ scope: "org", objectId: "o", roles: ["ORG_OWNER"] }]))));
    cache.clear();
    release();
    await slow;
    await cache.memberships("i", "u", "o", async () => (loads++, []));
    expect(loads).toBe(1);
  });

  test("reads and app/key writes keep it; other writes clear it", () => {
    expect(invalidatesAuth("GetAppByID", "project.app.read")).toBe(false);
    expect(invalidatesAuth("AddAPIApp", "project.app.write")).toBe(false);
    expect(invalidatesAuth("RemovePersonalAccessToken", "user.write")).toBe(true);
    expect(invalidatesAuth("RemoveOrgMember", "org.member.delete")).toBe(true);
    expect(invalidatesAuth("RemoveProject", "project.delete")).toBe(true);
  });
});
