import { afterAll, beforeAll, expect, test } from "vitest";
import fc from "fast-check";
import { createdMetadata } from "../../src/api/keygate/read-fields.js";
import { ApiAuthMethod } from "../../src/domain/app.js";
import { AppService } from "../../src/gen/keygate/v1/apps_pb.js";
import { addApiApp } from "../../src/store/commands/app-commands.js";
import { describeEachBackend } from "../support/backends.js";
import { adminActorOf, commandDepsOf } from "../support/command-deps.js";
import { concurrently } from "../support/concurrently.js";
import { startAdminSession, type AdminSession } from "../support/keygate-server.js";
import { keygateV1Client } from "../support/keygate-v1-client.js";

const KEYS = ["team", "env", "tier", "example.com/owner", "x"];
const VALUES = ["payments", "core", "prod", "dev", "a", ""];
const APPS = 300;

type Requirement =
  | { key: string; op: "exists" | "absent" }
  | { key: string; op: "=" | "==" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] };

/** The reference: Kubernetes' meaning of each requirement, written out here, apart from keygate's SQL. */
function meets(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case "exists":
      return has;
    case "absent":
      return !has;
    case "=":
    case "==":
      return has && value === r.value;
    case "!=":
      return !has || value !== r.value;
    case "in":
      return has && r.values.includes(value!);
    case "notin":
      return !has || !r.values.includes(value!);
  }
}

const space = fc.constantFrom("", " ", "  ");
const requirement: fc.Arbitrary<Requirement> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom("exists" as const, "absent" as const) }),
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom("=" as const, "==" as const, "!=" as const), value: fc.constantFrom(...VALUES) }),
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom("in" as const, "notin" as const), values: fc.uniqueArray(fc.constantFrom(...VALUES.filter((v) => v !== "")), { minLength: 1, maxLength: 3 }) }),
);
const text = (r: Requirement, s: string) => {
  switch (r.op) {
    case "exists":
      return `${s}${r.key}${s}`;
    case "absent":
      return `!${s}${r.key}`;
    case "=":
    case "==":
    case "!=":
      return `${r.key}${s}${r.op}${s}${r.value}`;
    case "in":
    case "notin":
      return `${r.key} ${r.op}${s}(${r.values.join(`,${s}`)})`;
  }
};

/** Label selectors over a few hundred random apps, against the reference filter above. */
describeEachBackend("keygate.v1 label selectors", (backend) => {
  let session: AdminSession;
  let projectId: string;
  const labelsOf = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    session = await startAdminSession(backend);
    projectId = (await session.admin.addProject({ name: "selected" })).id;
    const labelSets = fc.sample(fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 4 }), { numRuns: APPS, seed: 15 });
    // The apps are made by the command keygate.v1's CreateApp runs, with the metadata it makes of the
    // request, in-process: the selectors are under test here, not the call (300 calls cost seconds).
    const deps = commandDepsOf(session.keygate.store);
    const actor = await adminActorOf(session.keygate.store, session.keygate.adminToken, session.orgId);
    await concurrently(labelSets.length, 4, async (i) => {
      const labels = labelSets[i]!;
      const metadata = createdMetadata({ description: "", labels, ownerContacts: [] });
      const { appId } = await addApiApp(deps, actor, projectId, { name: `app-${i}`, authMethod: ApiAuthMethod.Basic, metadata });
      labelsOf.set(appId, labels);
    });
  }, 180_000);
  afterAll(() => session?.keygate.dispose());

  test(`random selectors select exactly the apps the reference filter does (${APPS} apps)`, async () => {
    const apps = keygateV1Client(AppService, session.keygate.url, session.keygate.adminToken);
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(requirement, space), { minLength: 1, maxLength: 3 }), fc.constantFrom(100, 1000), async (parts, limit) => {
        const selector = parts.map(([r, s]) => text(r, s)).join(",");
        const expected = [...labelsOf].filter(([, labels]) => parts.every(([r]) => meets(labels, r))).map(([id]) => id).sort();
        if (expected.length > 0 && expected.length < APPS) nonTrivial++;
        const seen: string[] = [];
        let pageToken = "";
        do {
          const page = await apps.listApps({ projectId, labelSelector: selector, limit, pageToken });
          expect(Number(page.totalResult)).toBe(expected.length);
          seen.push(...page.apps.map((a) => a.id));
          pageToken = page.nextPageToken;
        } while (pageToken !== "");
        expect({ selector, ids: seen }).toEqual({ selector, ids: expected });
      }),
      { numRuns: 60, seed: 1515 },
    );
    // The property is only as good as its cases: most selectors must split the apps.
    expect(nonTrivial).toBeGreaterThan(30);
  }, 180_000);
});
