import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { V2_PERMISSIONS, V2_SERVICES } from "../../src/api/v2/v2-permissions.js";

describe("v2 permissions", () => {
  test.each(V2_SERVICES.map((s) => [s.typeName, s] as const))("every %s RPC notes the permission the service checks", (_name, service) => {
    const proto = readFileSync(new URL(`../../proto/${service.file.name}.proto`, import.meta.url), "utf8");
    for (const method of service.methods) {
      const noted = new RegExp(`// permission: authenticated\\n\\s*// checked: ([^\\n]+)\\n\\s*rpc ${method.name}\\(`).exec(proto);
      expect(`${method.name}: ${noted?.[1]}`).toBe(`${method.name}: ${V2_PERMISSIONS[method.name]}`);
    }
  });
});
