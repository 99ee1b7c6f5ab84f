import type { DescService } from "@bufbuild/protobuf";
import type { MethodPermission } from "../method-permissions.js";

/**
 * The permission each method of a keygate.v1 service requires, by the method's local name, checked
 * as ManagementService's are: in the org of x-zitadel-orgid (or the caller's own), before the call.
 * Typed by the service, so a method without an entry does not compile; the proto notes the same
 * permission on each RPC (a test keeps both in step). An empty check field (a list over the whole
 * org) checks the permission without a project: project roles then narrow what the call sees.
 */
export type KeygatePermissions<S extends DescService> = { readonly [M in keyof S["method"]]: MethodPermission };
