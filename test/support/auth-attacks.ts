/**
 * Attack requests for the isolation matrix: for any ManagementService method, a request aimed at the
 * victim org's objects, built from the method's request descriptor (every id field gets the victim's id,
 * names a fresh string, enums a defined non-zero value), plus hand-written extras for list filters.
 */
import { create, ScalarType, type DescField, type DescMethod, type Message } from "@bufbuild/protobuf";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { uniqueName } from "./auth-fixtures.js";

/** The victim org's objects: everything an attacker must neither see nor change. */
export interface Victim {
  orgId: string;
  orgName: string;
  projectId: string;
  projectName: string;
  /** A role of the project: target of the role methods. */
  roleKey: string;
  /** A BASIC app: target of the app methods. */
  basicAppId: string;
  basicAppName: string;
  basicClientId: string;
  /** A PRIVATE_KEY_JWT app with a key: target of the key methods. */
  jwtAppId: string;
  jwtAppName: string;
  jwtClientId: string;
  keyId: string;
  /** A service user of the victim org (ORG_OWNER there, PROJECT_OWNER of its project), with a PAT, a secret and a key. */
  userId: string;
  userName: string;
  tokenId: string;
  token: string;
  machineKeyId: string;
  /** The user's client secret (GenerateMachineSecret). */
  clientSecret: string;
}

/** Every id, name and secret of the victim: none may appear in an answer to an attacker. */
export function victimMarkers(v: Victim): string[] {
  return [
    v.orgId,
    v.orgName,
    v.projectId,
    v.projectName,
    v.roleKey,
    v.basicAppId,
    v.basicAppName,
    v.basicClientId,
    v.jwtAppId,
    v.jwtAppName,
    v.jwtClientId,
    v.keyId,
    v.userId,
    v.userName,
    v.tokenId,
    v.token,
    v.machineKeyId,
    v.clientSecret,
  ];
}

/** Every method keygate serves that needs a token (Healthz is public). */
export const attackedMethods: DescMethod[] = ManagementService.methods.filter((m) => m.name !== "Healthz");

const isUserMethod = (method: DescMethod) => /User|PersonalAccessToken/.test(method.name) && !/Member/.test(method.name);
const isKeyMethod = (method: DescMethod) => /AppKey/.test(method.name);
const isMachineKeyMethod = (method: DescMethod) => /MachineKey/.test(method.name);

function idFor(method: DescMethod, field: DescField, v: Victim): string | undefined {
  switch (field.name) {
    case "id":
      return isUserMethod(method) ? v.userId : v.projectId;
    case "project_id":
      return v.projectId;
    case "app_id":
      return isKeyMethod(method) ? v.jwtAppId : v.basicAppId;
    case "key_id":
      return isMachineKeyMethod(method) ? v.machineKeyId : v.keyId;
    case "user_id":
      return v.userId;
    case "token_id":
      return v.tokenId;
    case "role_key":
      return v.roleKey;
    default:
      return undefined;
  }
}

/** The generic attack request: the victim's ids wherever the request names an object. */
export function attackRequest(method: DescMethod, v: Victim): Message {
  const init: Record<string, unknown> = {};
  for (const field of method.input.fields) {
    if (field.oneof !== undefined) continue;
    if (field.fieldKind === "scalar" && field.scalar === ScalarType.STRING) {
      init[field.localName] = idFor(method, field, v) ?? uniqueName(`attack-${field.name}`);
    } else if (field.fieldKind === "enum") {
      init[field.localName] = field.enum.values.find((value) => value.number !== 0)?.number ?? 0;
    } else if (field.fieldKind === "list" && field.listKind === "scalar" && field.name === "roles") {
      init[field.localName] = /Project/.test(method.name) ? ["PROJECT_OWNER"] : ["ORG_OWNER"];
    }
  }
  return create(method.input, init);
}

/** Further attacks on list filters that could widen a query to the victim org. */
const extraAttacks: Record<string, (v: Victim) => Record<string, unknown>[]> = {
  ListProjects: (v) => [
    { queries: [{ query: { case: "projectResourceOwnerQuery", value: { resourceOwner: v.orgId } } }] },
    { queries: [{ query: { case: "nameQuery", value: { name: v.projectName, method: 0 } } }] },
  ],
  ListUsers: (v) => [
    { queries: [{ query: { case: "inUserIdsQuery", value: { userIds: [v.userId] } } }] },
    { queries: [{ query: { case: "userNameQuery", value: { userName: v.userName, method: 0 } } }] },
  ],
  ListProjectRoles: (v) => [{ projectId: v.projectId, queries: [{ query: { case: "keyQuery", value: { key: v.roleKey, method: 0 } } }] }],
  ListApps: (v) => [{ projectId: v.projectId, queries: [{ query: { case: "nameQuery", value: { name: v.basicAppName, method: 0 } } }] }],
};

/** The generic attack request and any extras for `method`. */
export function attackRequests(method: DescMethod, v: Victim): Message[] {
  return [attackRequest(method, v), ...(extraAttacks[method.name]?.(v) ?? []).map((init) => create(method.input, init))];
}

const PRECONDITION_CHECKS = new Set(["AddAPIApp", "AddAppKey", "AddProjectRole", "BulkAddProjectRoles", "UpdateProjectRole"]);

/**
 * Answers ZITADEL gives to a caller that passes the permission check in its own org but names another
 * org's object: NotFound or PermissionDenied everywhere; FailedPrecondition where ZITADEL checks the
 * project or app as a precondition (AddAPIApp COMMAND-EbFMN, AddAppKey COMMAND-sak25, §2.5; adding and
 * updating project roles COMMAND-EbFMN, as ZITADEL's checkProjectExists); and for
 * AddMachineUser with a caller-chosen id that is taken, AlreadyExists (user ids are unique instance-wide
 * in ZITADEL too; the answer carries no data of the owner).
 */
export function refusalCodes(method: DescMethod): string[] {
  const codes = ["NotFound", "PermissionDenied"];
  if (PRECONDITION_CHECKS.has(method.name)) codes.push("FailedPrecondition");
  if (method.name === "AddMachineUser") codes.push("AlreadyExists");
  return codes;
}
