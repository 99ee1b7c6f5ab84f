import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { KEYGATE_SERVICES } from "../../src/api/keygate/keygate-services.js";

const goName = (field: string) => field.charAt(0).toUpperCase() + field.slice(1);

describe("keygate.v1 permissions", () => {
  test.each(KEYGATE_SERVICES.map((entry) => [entry.service.typeName, entry] as const))("every %s RPC notes the permission it requires", (_name, entry) => {
    const proto = readFileSync(new URL(`../../proto/${entry.service.file.name}.proto`, import.meta.url), "utf8");
    for (const method of entry.service.methods) {
      const noted = new RegExp(`// permission: ([^\\n]+)\\n\\s*rpc ${method.name}\\(`).exec(proto)?.[1];
      const rule = entry.permissionOf(method);
      const expected = rule && (rule.checkField ? `${rule.permission}, check field: ${goName(rule.checkField)}` : rule.permission);
      expect(`${method.name}: ${noted}`).toBe(`${method.name}: ${expected}`);
    }
  });

  test("every keygate.v1 RPC has a REST path under /keygate/v1", () => {
    for (const { service } of KEYGATE_SERVICES) {
      expect(service.typeName).toMatch(/^keygate\.v1\./);
      const proto = readFileSync(new URL(`../../proto/${service.file.name}.proto`, import.meta.url), "utf8");
      for (const method of service.methods) {
        const rule = new RegExp(`rpc ${method.name}\\([^)]*\\) returns \\([^)]*\\) \\{\\s*option \\(google\\.api\\.http\\) = \\{\\s*(get|post|put|patch|delete): "([^"]+)"`).exec(proto);
        expect(`${method.name}: ${rule?.[2]?.startsWith("/keygate/v1/")}`).toBe(`${method.name}: true`);
      }
    }
  });
});
