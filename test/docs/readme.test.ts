import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { METHOD_PERMISSIONS } from "../../src/api/method-permissions.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { configurationTable, keygateRpcTable, rolesTable, rpcTable, v2RpcTable } from "../../scripts/readme-tables.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const proto = readFileSync(new URL("../../proto/zitadel/management.proto", import.meta.url), "utf8");

describe("README", () => {
  test.each([
    ["configuration", configurationTable],
    ["roles", rolesTable],
    ["supported RPCs", rpcTable],
    ["v2 RPCs", v2RpcTable],
    ["keygate.v1 RPCs", keygateRpcTable],
  ])("shows the %s table exactly as the code has it", (_name, table) => {
    expect(readme).toContain(table());
  });

  test("gives the start and test commands, and both exist as npm scripts", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm ci && npm test");
    const scripts = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBeDefined();
    expect(scripts.test).toBeDefined();
    expect(scripts["rebuild-projections"]).toBeDefined();
  });
});

describe("method permissions", () => {
  test("every ManagementService RPC has a permission, and it is the one noted on the RPC in the proto", () => {
    for (const method of ManagementService.methods) {
      const required = METHOD_PERMISSIONS[method.name];
      expect(required).toBeDefined();
      const rpc = new RegExp(`//\\s*permission: ([^\\n]+)\\n(?:\\s*//[^\\n]*\\n)*\\s*rpc ${method.name}\\(`).exec(proto);
      expect(rpc).not.toBeNull();
      const noted = rpc![1]!.trim();
      const expected =
        required === "none"
          ? "none"
          : `${required!.permission}${required!.checkField ? `, check field: ${required!.checkField === "id" ? "Id" : "ProjectId"}` : ""}`;
      expect(`${method.name}: ${noted}`).toBe(`${method.name}: ${expected}`);
    }
  });
});
