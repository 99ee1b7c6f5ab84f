import { describe, expect, test } from "vitest";
import { addOrg, orgDomainLabel } from "../../src/domain/org.js";
import { constraintKeys, expectClaimError, expectDomainError } from "./expect-domain-error.js";

const onOrg = (type: string, payload: unknown) => ({ aggregateType: "org", aggregateId: "o1", type, payload });

describe("addOrg", () => {
  test("case 1: org.added, domain added/verified/primary.set, then the creator as ORG_OWNER, all on the new org", () => {
    const decision = addOrg("o1", "Acme", "example.com", "u1");
    expect(decision.events).toStrictEqual([
      onOrg("org.added", { name: "Acme" }),
      onOrg("org.domain.added", { domain: "acme.example.com" }),
      onOrg("org.domain.verified", { domain: "acme.example.com" }),
      onOrg("org.domain.primary.set", { domain: "acme.example.com" }),
      onOrg("org.member.added", { userId: "u1", roles: ["ORG_OWNER"] }),
    ]);
  });

  test("case 3: claims org_name with AlreadyExists V3-DKcYh \"Organisation's name or id already taken\"", () => {
    const decision = addOrg("o1", "Acme", "example.com", "u1");
    expect(constraintKeys(decision.uniqueConstraints).filter((c) => c.type === "org_name")).toEqual([{ action: "add", type: "org_name", field: "Acme" }]);
    expectClaimError(decision.uniqueConstraints.find((c) => c.type === "org_name"), "Organisation's name or id already taken");
  });

  test("the name is trimmed before it is stored, claimed and turned into a domain", () => {
    const decision = addOrg("o1", "  Acme Corp \t", "example.com", "u1");
    expect(decision.events[0]!.payload).toStrictEqual({ name: "Acme Corp" });
    expect(decision.events[1]!.payload).toStrictEqual({ domain: "acme-corp.example.com" });
    expect(decision.uniqueConstraints.find((c) => c.type === "org_name")?.field).toBe("Acme Corp");
  });

  test.each(["", " ", "\t\n  "])("case 2: an empty or blank name (%j) → InvalidArgument EVENT-Mf9sd", (name) => {
    expectDomainError(() => addOrg("o1", name, "example.com", "u1"), "InvalidArgument", "EVENT-Mf9sd", "Organisation is invalid");
  });

  test("§4.2/§6.3: the verified primary domain is claimed as org_domain, so 'Acme' and 'Acme!' cannot share acme.example.com", () => {
    const decision = addOrg("o1", "Acme!", "example.com", "u1");
    const claim = decision.uniqueConstraints.find((c) => c.type === "org_domain");
    expect(claim && { action: claim.action, field: claim.field }).toEqual({ action: "add", field: "acme.example.com" });
    expect(claim?.clash?.().kind).toBe("AlreadyExists");
  });

  test("a name without any usable character → InvalidArgument ORG-RrfXY instead of the domain '.example.com'", () => {
    expectDomainError(() => addOrg("o1", "!!!", "example.com", "u1"), "InvalidArgument", "ORG-RrfXY");
  });
});

describe("orgDomainLabel (primary domain label rules, ZITADEL's NewIAMDomainName)", () => {
  test("case 1: lower-cases and turns a space into a dash", () => {
    expect(orgDomainLabel("Acme Corp")).toBe("acme-corp");
    expect(orgDomainLabel("ACME")).toBe("acme");
  });

  test("drops characters other than letters, marks, digits and dashes", () => {
    expect(orgDomainLabel("Acme & Co.")).toBe("acme--co");
    expect(orgDomainLabel("a_b.c@d!e")).toBe("abcde");
    expect(orgDomainLabel("Org 42")).toBe("org-42");
  });

  test("keeps Unicode letters and combining marks", () => {
    expect(orgDomainLabel("Müller Söhne")).toBe("müller-söhne");
    expect(orgDomainLabel("Cafe\u0301")).toBe("cafe\u0301");
    expect(orgDomainLabel("東京")).toBe("東京");
  });

  test("is at most 63 characters", () => {
    expect(orgDomainLabel("a".repeat(70))).toBe("a".repeat(63));
    expect(orgDomainLabel("a".repeat(63))).toBe("a".repeat(63));
  });

  test("a leading and a trailing dash are removed (a DNS label cannot start or end with '-')", () => {
    expect(orgDomainLabel("-Acme-")).toBe("acme");
    expect(orgDomainLabel("&Acme &")).toBe("acme");
  });

  test("a label cut at 63 characters does not end with a dash", () => {
    expect(orgDomainLabel(`${"a".repeat(62)} b`)).toBe("a".repeat(62));
  });

  test("each space becomes one dash; other whitespace is dropped, as ZITADEL replaces only ' '", () => {
    expect(orgDomainLabel("Acme  Corp")).toBe("acme--corp");
    expect(orgDomainLabel("Acme\tCorp")).toBe("acmecorp");
  });

  test("only ASCII digits count as digits ([0-9], not every Unicode number)", () => {
    expect(orgDomainLabel("Acme²")).toBe("acme");
    expect(orgDomainLabel("Acme Ⅻ")).toBe("acme");
  });
});
