import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";

/**
 * A typed Connect (JSON over HTTP/1.1) client of a keygate.v1 service, as a caller with `token` in
 * `orgId`'s context (x-zitadel-orgid; without it, the caller's own org).
 */
export function keygateV1Client<S extends DescService>(service: S, baseUrl: string, token: string, orgId?: string): Client<S> {
  const headers: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    if (orgId !== undefined) req.header.set("x-zitadel-orgid", orgId);
    return next(req);
  };
  return createClient(service, createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [headers] }));
}

/** A REST call under /keygate/v1 (or any path), answered as status and parsed JSON body. */
export async function restCall(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  orgId?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (orgId !== undefined) headers["x-zitadel-orgid"] = orgId;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
