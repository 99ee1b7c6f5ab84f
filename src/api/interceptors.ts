import type { DescMessage, Message } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { authorize } from "../domain/authorization.js";
import { permissionDenied, unauthenticated } from "../domain/errors.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import type { TokenOwner } from "../store/queries/auth-queries.js";
import type { Queries } from "../store/queries/queries.js";
import { invalidatesAuth, type AuthCache } from "./auth-cache.js";
import type { Authenticate } from "./authentication.js";
import { callerKey, identityKey } from "./call-context.js";
import { toCallError, type CallFaults } from "./errors.js";
import { keygateServiceNamed } from "./keygate/keygate-services.js";
import { METHOD_PERMISSIONS, type MethodPermission } from "./method-permissions.js";
import { V2_PERMISSIONS, V2_SERVICE_NAMES } from "./v2/v2-permissions.js";
import { validateRequest } from "./validation/validate.js";

const ORG_HEADER = "x-zitadel-orgid";
const BEARER = "Bearer ";

/** Outermost: every error leaves as ZITADEL would send it; our own faults and outages are reported, not leaked. */
export function errorInterceptor(faults: CallFaults): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      throw toCallError(error, faults);
    }
  };
}

/**
 * Authentication, org context and the permission check, in ZITADEL's order and with its errors,
 * before any validation of the request. ManagementService and keygate's own services (keygate.v1)
 * act in the org of x-zitadel-orgid (or the caller's own) and check the method's permission here; the v2 services need a valid token
 * here and check permissions themselves, in the org of the resource named (see Identity).
 * Other services (health, reflection) are public. Lookups are remembered in `cache` (see
 * auth-cache.ts for how long, and when they are forgotten sooner).
 */
export function authInterceptor(queries: Queries, authenticate: Authenticate, cache: AuthCache): Interceptor {
  async function tokenOwner(header: Headers): Promise<TokenOwner> {
    const authorization = header.get("authorization");
    if (authorization === null) throw new ConnectError("auth header missing", Code.Unauthenticated);
    if (!authorization.startsWith(BEARER)) throw unauthenticated("AUTH-toLo1", "invalid auth header");
    const token = authorization.slice(BEARER.length);
    const owner = await cache.owner(token, () => authenticate(token));
    if (!owner) throw unauthenticated("AUTH-7fs1e", "Errors.Token.Invalid");
    const requestedOrg = header.get(ORG_HEADER);
    if (requestedOrg && !(await cache.orgExists(owner.instanceId, requestedOrg, () => queries.orgExists(owner.instanceId, requestedOrg)))) {
      throw permissionDenied("AUTH-Bs7Ds", "Organisation doesn't exist");
    }
    return owner;
  }
  const membershipsIn = (owner: TokenOwner, orgId: string) =>
    cache.memberships(owner.instanceId, owner.userId, orgId, () => queries.membershipsIn(owner.instanceId, owner.userId, orgId));

  return (next) => async (req) => {
    let permission: string;
    const keygateService = keygateServiceNamed(req.service.typeName);
    if (req.service.typeName === ManagementService.typeName || keygateService) {
      const required: MethodPermission | "none" | undefined = keygateService ? keygateService.permissionOf(req.method) : METHOD_PERMISSIONS[req.method.name];
      if (required === "none") return next(req);
      if (!required) throw new ConnectError(`${req.method.name} is not implemented`, Code.Unimplemented);
      const owner = await tokenOwner(req.header);
      const orgId = req.header.get(ORG_HEADER) || owner.orgId;
      let projectId = required.checkField && !req.stream ? String((req.message as Record<string, unknown>)[required.checkField] ?? "") : undefined;
      // keygate.v1's lists take an empty project id for the whole org (ZITADEL's methods keep theirs).
      if (keygateService && projectId === "") projectId = undefined;
      const projectScope = authorize(await membershipsIn(owner, orgId), { permission: required.permission, ...(projectId === undefined ? {} : { projectId }) });
      req.contextValues.set(callerKey, { actor: { instanceId: owner.instanceId, orgId, userId: owner.userId }, projectScope });
      permission = required.permission;
    } else if (V2_SERVICE_NAMES.has(req.service.typeName)) {
      const owner = await tokenOwner(req.header);
      req.contextValues.set(identityKey, {
        instanceId: owner.instanceId,
        userId: owner.userId,
        homeOrgId: owner.orgId,
        membershipsIn: (orgId) => membershipsIn(owner, orgId),
        allMemberships: () => queries.membershipsOf(owner.instanceId, owner.userId),
      });
      permission = V2_PERMISSIONS[req.method.name] ?? "";
    } else {
      return next(req);
    }
    if (!invalidatesAuth(req.method.name, permission)) return next(req);
    try {
      return await next(req);
    } finally {
      cache.clear();
    }
  };
}

/** Innermost: protoc-gen-validate's checks, after authentication as in ZITADEL. */
export const validationInterceptor: Interceptor = (next) => async (req) => {
  if (!req.stream) validateRequest(req.method.input as DescMessage, req.message as Message);
  return next(req);
};
