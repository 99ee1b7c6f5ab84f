import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";

export type ManagementClient = Client<typeof ManagementService>;

/** A typed Connect (JSON over HTTP/1.1) client for keygate, as a caller with `token` in `orgId`'s context. */
export function managementClient(baseUrl: string, token: string | undefined, orgId?: string): ManagementClient {
  const headers: Interceptor = (next) => (req) => {
    if (token !== undefined) req.header.set("authorization", `Bearer ${token}`);
    if (orgId !== undefined) req.header.set("x-zitadel-orgid", orgId);
    return next(req);
  };
  return createClient(ManagementService, createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [headers] }));
}
