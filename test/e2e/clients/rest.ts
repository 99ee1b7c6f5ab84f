/** fetch against the REST transcoding under /management/v1 (grpc-gateway's JSON and error body). */
import { CallFailure, type CallError, type CallOptions, type ClientUnderTest, type ErrorDetail, type Session } from "./types.js";
import { ERROR_DETAIL_TYPE, jsonAddedApp, jsonAddedProject, jsonReadApp } from "./wire.js";

const jsonAuthMethod = { BASIC: "API_AUTH_METHOD_TYPE_BASIC", PRIVATE_KEY_JWT: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" } as const;

/** google.rpc.Status as grpc-gateway writes it: { code, message, details: [{ "@type", ...fields }] }. */
export function restCallError(httpStatus: number, body: unknown): CallError {
  const { code, message, details } = body as { code: unknown; message: unknown; details?: unknown };
  if (typeof code !== "number" || typeof message !== "string") throw new Error(`HTTP ${httpStatus} with a body that is not a google.rpc.Status: ${JSON.stringify(body)}`);
  if (details !== undefined && !Array.isArray(details)) throw new Error(`details is not an array: ${JSON.stringify(body)}`);
  const errorDetails: ErrorDetail[] = (details ?? []).map((d: Record<string, unknown>) =>
    d["@type"] === `type.googleapis.com/${ERROR_DETAIL_TYPE}` ? { id: String(d.id), message: String(d.message) } : { id: `<unexpected ${String(d["@type"])}>`, message: "" },
  );
  return { code, message, details: errorDetails, httpStatus };
}

export async function restRequest(baseUrl: string, token: string | undefined, method: "GET" | "POST", path: string, body?: object, options?: CallOptions): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (options?.orgId !== undefined) headers["x-zitadel-orgid"] = options.orgId;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${baseUrl}/management/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.headers.get("content-type")?.startsWith("application/json")) throw new Error(`HTTP ${res.status} ${res.headers.get("content-type")}: ${text}`);
  const json: unknown = JSON.parse(text);
  if (res.status !== 200) throw new CallFailure(restCallError(res.status, json));
  return json;
}

export const rest: ClientUnderTest = {
  name: "fetch (REST /management/v1)",
  sequenceWire: "string",
  connect({ url }, token): Session {
    return {
      async addProject(name, options) {
        return jsonAddedProject(await restRequest(url, token, "POST", "/projects", { name }, options));
      },
      async addAPIApp(projectId, name, authMethod, options) {
        const path = `/projects/${encodeURIComponent(projectId)}/apps/api`;
        return jsonAddedApp(await restRequest(url, token, "POST", path, { name, authMethodType: jsonAuthMethod[authMethod] }, options));
      },
      async getAppByID(projectId, appId, options) {
        const path = `/projects/${encodeURIComponent(projectId)}/apps/${encodeURIComponent(appId)}`;
        return jsonReadApp(await restRequest(url, token, "GET", path, undefined, options));
      },
      close: () => {},
    };
  },
  toCallError(error) {
    if (!(error instanceof CallFailure)) throw error;
    return error.callError;
  },
};
