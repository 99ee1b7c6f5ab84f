import { readBodyWithin } from "../read-body.js";
import type { NodeRequest } from "../node-http.js";

/** Form bodies of the OAuth endpoints are small; anything larger is refused before it is looked at. */
export const MAX_FORM_BYTES = 64 * 1024;

export type FormResult =
  | { ok: true; params: Map<string, string> }
  | { ok: false; status: 413 | 400; description: string };

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * An `application/x-www-form-urlencoded` body as RFC 6749 §3.2 and §3.1 want it read: at most
 * MAX_FORM_BYTES (413 first, before the type or any parameter is checked), UTF-8, parameters
 * without a value treated as omitted, and a parameter sent twice refused.
 */
export async function readForm(req: NodeRequest): Promise<FormResult> {
  const body = await readBodyWithin(req, MAX_FORM_BYTES);
  if (!body.ok) return { ok: false, status: 413, description: `request body is larger than ${MAX_FORM_BYTES} bytes` };
  if (!FORM_TYPE.test(req.headers["content-type"] ?? "")) return { ok: false, status: 400, description: "content type must be application/x-www-form-urlencoded" };
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(Buffer.from(body.bytes).toString("utf8"))) {
    if (value === "") continue;
    if (params.has(name)) return { ok: false, status: 400, description: `parameter ${JSON.stringify(name.slice(0, 64))} sent more than once` };
    params.set(name, value);
  }
  return { ok: true, params };
}
