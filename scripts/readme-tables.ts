import { getOption, hasOption } from "@bufbuild/protobuf";
import { SETTINGS } from "../src/config.js";
import { ROLES } from "../src/domain/roles.js";
import { http } from "../src/gen/google/api/annotations_pb.js";
import { ManagementService } from "../src/gen/zitadel/management_pb.js";
import { METHOD_PERMISSIONS } from "../src/api/method-permissions.js";

/**
 * The README's reference tables, made from the code so that they cannot drift:
 * test/docs/readme.test.ts fails when the README's copy differs. Print them with
 * `npx tsx scripts/readme-tables.ts`.
 */
export function configurationTable(): string {
  const rows = SETTINGS.map((s) => `| \`${s.env}\` | ${s.default === undefined ? "–" : `\`${s.default}\``} | ${s.description.replaceAll("|", "\\|")} |`);
  return ["| Variable | Default | Meaning |", "|---|---|---|", ...rows].join("\n");
}

export function rolesTable(): string {
  const permissions = [...new Set(Object.values(ROLES).flatMap((r) => r.permissions))].sort();
  const header = `| Role | Scope | ${permissions.map((p) => `\`${p}\``).join(" | ")} |`;
  const rule = `|---|---|${permissions.map(() => ":-:").join("|")}|`;
  const rows = Object.entries(ROLES).map(
    ([role, def]) => `| ${role} | ${def.scope} | ${permissions.map((p) => (def.permissions.includes(p) ? "✓" : "")).join(" | ")} |`,
  );
  return [header, rule, ...rows].join("\n");
}

export function rpcTable(): string {
  const rows = ManagementService.methods.map((method) => {
    const rule = hasOption(method, http) ? getOption(method, http) : undefined;
    const pattern = rule?.pattern;
    const route = pattern?.case === undefined || pattern.case === "custom" ? "–" : `\`${pattern.case.toUpperCase()} /management/v1${pattern.value}\``;
    const permission = METHOD_PERMISSIONS[method.name];
    const auth = permission === undefined ? "–" : permission === "none" ? "none" : `\`${permission.permission}\`${permission.checkField ? ` (project: \`${permission.checkField}\`)` : ""}`;
    return `| ${method.name} | ${route} | ${auth} |`;
  });
  return ["| RPC | REST | Permission |", "|---|---|---|", ...rows].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`${configurationTable()}\n\n${rolesTable()}\n\n${rpcTable()}`);
}
