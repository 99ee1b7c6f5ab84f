import { describe, expect, test } from "vitest";
import { parseLabelSelector } from "../../src/domain/label-selector.js";
import { checkLabels, labelKeyProblem, labelValueProblem } from "../../src/domain/labels.js";

describe("label keys and values (Kubernetes' rules)", () => {
  test.each(["a", "team", "app.kubernetes.io/name", "example.com/a_b-c.d", "A1", "x".repeat(63), `${"a".repeat(253)}/n`])("key %s is valid", (key) => {
    expect(labelKeyProblem(key)).toBeUndefined();
  });
  test.each([
    ["", "name part must be non-empty"],
    ["-a", "name part must consist"],
    ["a-", "name part must consist"],
    ["a b", "name part must consist"],
    ["x".repeat(64), "name part must be at most 63"],
    ["/a", "prefix part must be non-empty"],
    ["a/", "name part must be non-empty"],
    ["a/b/c", "must be a name with an optional DNS subdomain prefix"],
    ["Example.com/a", "prefix part must be a lowercase DNS subdomain"],
    ["ex_ample.com/a", "prefix part must be a lowercase DNS subdomain"],
    [`${"a".repeat(254)}/n`, "prefix part must be at most 253"],
    ["ä", "name part must consist"],
  ])("key %j is refused: %s", (key, why) => {
    expect(labelKeyProblem(key)).toContain(why);
  });
  test("values: empty or a name of at most 63 characters", () => {
    expect(labelValueProblem("")).toBeUndefined();
    expect(labelValueProblem("v1.2_3-x")).toBeUndefined();
    expect(labelValueProblem("x".repeat(63))).toBeUndefined();
    expect(labelValueProblem("x".repeat(64))).toContain("at most 63");
    expect(labelValueProblem("a/b")).toContain("must consist");
    expect(labelValueProblem(".a")).toContain("must consist");
  });
  test("a set: at most 64 labels, refusals name the field and the key", () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    expect(() => checkLabels(many, "labels")).toThrow("invalid labels: at most 64 labels, got 65");
    expect(() => checkLabels(Object.fromEntries(Object.entries(many).slice(0, 64)), "labels")).not.toThrow();
    expect(() => checkLabels({ "bad key": "v" }, "labels")).toThrow('invalid labels: key "bad key": ');
    expect(() => checkLabels({ ok: "bad value" }, "labels")).toThrow('invalid labels: value of "ok": ');
  });
});

describe("label selectors (Kubernetes syntax)", () => {
  test.each([
    ["", []],
    ["   ", []],
    ["team=payments", [{ key: "team", operator: "in", values: ["payments"] }]],
    ["team==payments", [{ key: "team", operator: "in", values: ["payments"] }]],
    ["env!=prod", [{ key: "env", operator: "notin", values: ["prod"] }]],
    [
      "team=payments,env!=prod",
      [
        { key: "team", operator: "in", values: ["payments"] },
        { key: "env", operator: "notin", values: ["prod"] },
      ],
    ],
    ["tier in (a, b)", [{ key: "tier", operator: "in", values: ["a", "b"] }]],
    ["tier notin (a,b,a)", [{ key: "tier", operator: "notin", values: ["a", "b"] }]],
    ["tier in ()", [{ key: "tier", operator: "in", values: [""] }]],
    ["tier in (a,)", [{ key: "tier", operator: "in", values: ["a", ""] }]],
    ["k", [{ key: "k", operator: "exists" }]],
    ["!k", [{ key: "k", operator: "absent" }]],
    [" ! k , j ", [{ key: "k", operator: "absent" }, { key: "j", operator: "exists" }]],
    ["k=", [{ key: "k", operator: "in", values: [""] }]],
    ["k==", [{ key: "k", operator: "in", values: [""] }]],
    ["k=,j", [{ key: "k", operator: "in", values: [""] }, { key: "j", operator: "exists" }]],
    ["example.com/team = x", [{ key: "example.com/team", operator: "in", values: ["x"] }]],
    ["in=notin", [{ key: "in", operator: "in", values: ["notin"] }]],
  ])("%j parses", (text, expected) => {
    expect(parseLabelSelector(text)).toEqual(expected);
  });

  test.each([
    ["a=b,", "found end of string, expected a label key"],
    [",a", "found ',', expected a label key"],
    ["a b", 'found "b" after key "a"'],
    ["a=b=c", "found '=', expected ',' or end of string"],
    ["a in b", "found \"b\", expected '('"],
    ["a in (b", "found end of string in a value set"],
    ["a in (b c)", 'found "c" in a value set'],
    ["!a=b", "found '=', expected ',' or end of string"],
    ["a>1", "operator '>' is not supported"],
    ["a<1", "operator '<' is not supported"],
    ["bad key!=x", 'found "key" after key "bad"'],
    ["-a=b", 'key "-a": name part must consist'],
    ["a=-b", 'value "-b": must consist'],
    ["a in (x/y)", 'value "x/y": must consist'],
    ["a==b c", "found \"c\", expected ',' or end of string"],
    ["(", "found '(', expected a label key"],
  ])("%j is refused: %s", (text, why) => {
    expect(() => parseLabelSelector(text)).toThrow(`invalid label_selector: `);
    expect(() => parseLabelSelector(text)).toThrow(why);
  });
});
