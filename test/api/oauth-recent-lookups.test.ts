import { describe, expect, test } from "vitest";
import { createRecentLookups, tokenKey } from "../../src/api/oauth/recent-lookups.js";

const facts = { id: "t" };

describe("introspection's recent lookups", () => {
  test("a lookup is made once within the TTL, again after it", async () => {
    let t = 0;
    const lookups = createRecentLookups(1000, () => t);
    let loads = 0;
    const load = async () => (loads++, facts);
    expect(await lookups.remembered("k", load)).toBe(facts);
    t = 999;
    await lookups.remembered("k", load);
    expect(loads).toBe(1);
    t = 1000;
    await lookups.remembered("k", load);
    expect(loads).toBe(2);
  });

  test("never past `until` of what was found; nothing found is not remembered", async () => {
    let t = 0;
    const lookups = createRecentLookups(1000, () => t);
    let loads = 0;
    await lookups.remembered("k", async () => (loads++, facts), () => 100);
    t = 100;
    expect(await lookups.remembered("k", async () => (loads++, undefined))).toBeUndefined();
    await lookups.remembered("k", async () => (loads++, facts));
    expect(loads).toBe(3);
  });

  test("`until` in the past keeps nothing", async () => {
    const lookups = createRecentLookups(1000, () => 50);
    let loads = 0;
    await lookups.remembered("k", async () => (loads++, facts), () => 50);
    await lookups.remembered("k", async () => (loads++, facts), () => 50);
    expect(loads).toBe(2);
  });

  test("any change but a new token forgets everything, lookups in flight included", async () => {
    const lookups = createRecentLookups(1000);
    let loads = 0;
    const load = async () => (loads++, facts);
    await lookups.remembered("k", load);
    lookups.eventsAppended([{ type: "oidc_session.added" }, { type: "oidc_session.access_token.added" }]);
    await lookups.remembered("k", load);
    expect(loads).toBe(1);

    for (const type of ["oidc_session.access_token.revoked", "user.deactivated", "project.application.deactivated", "project.application.config.api.secret.changed"] as const) {
      lookups.eventsAppended([{ type: "oidc_session.added" }, { type }]);
      await lookups.remembered("k", load);
    }
    expect(loads).toBe(5);

    let release!: () => void;
    const inFlight = lookups.remembered("other", () => new Promise<object>((resolve) => (release = () => resolve(facts))));
    lookups.eventsAppended([{ type: "user.removed" }]);
    release();
    await inFlight;
    await lookups.remembered("other", load);
    expect(loads).toBe(6);
  });

  test("a TTL of 0 remembers nothing", async () => {
    const lookups = createRecentLookups(0);
    let loads = 0;
    await lookups.remembered("k", async () => (loads++, facts));
    await lookups.remembered("k", async () => (loads++, facts));
    expect(loads).toBe(2);
  });

  test("tokens are keyed by their digest, never by themselves", () => {
    expect(tokenKey("secret-token")).not.toContain("secret-token");
    expect(tokenKey("a")).not.toBe(tokenKey("b"));
  });
});
