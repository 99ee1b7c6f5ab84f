import { getOption, hasOption, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { SETTINGS } from "../src/config.js";
import { ROLES } from "../src/domain/roles.js";
import { http } from "../src/gen/google/api/annotations_pb.js";
import { ManagementService } from "../src/gen/zitadel/management_pb.js";
import { METHOD_PERMISSIONS } from "../src/api/method-permissions.js";
import { restPrefixes } from "../src/api/rest-prefixes.js";
import { KEYGATE_SERVICES, keygateServiceNamed } from "../src/api/keygate/keygate-services.js";
import { V2_PERMISSIONS, V2_SERVICES } from "../src/api/v2/v2-permissions.js";

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

/** The v2 and v2beta services: REST only where ZITADEL has it (v2beta's absolute /v2beta/… rules). */
/** One row per method: service, RPC, REST binding (if served over REST) and permission. */
function serviceRpcTable(services: readonly DescService[], permissionOf: (method: DescMethod) => string | undefined): string {
  const rows = services.flatMap((service) =>
    service.methods.map((method) => {
      const pattern = restPrefixes[service.typeName] !== undefined && hasOption(method, http) ? getOption(method, http).pattern : undefined;
      const route = pattern?.case === undefined || pattern.case === "custom" ? "–" : `\`${pattern.case.toUpperCase()} ${pattern.value}\``;
      return `| ${service.typeName} | ${method.name} | ${route} | \`${permissionOf(method)}\` |`;
    }),
  );
  return ["| Service | RPC | REST | Permission |", "|---|---|---|---|", ...rows].join("\n");
}

export const v2RpcTable = (): string => serviceRpcTable(V2_SERVICES, (method) => V2_PERMISSIONS[method.name]);

/** keygate.v1's services, from their registry (KEYGATE_SERVICES). */
export const keygateRpcTable = (): string =>
  serviceRpcTable(
    KEYGATE_SERVICES.map((entry) => entry.service),
    (method) => keygateServiceNamed(method.parent.typeName)?.permissionOf(method)?.permission,
  );

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`${configurationTable()}\n\n${rolesTable()}\n\n${rpcTable()}\n\n${v2RpcTable()}\n\n${keygateRpcTable()}`);
}
