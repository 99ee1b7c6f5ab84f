import type { OutgoingHttpHeaders } from "node:http";
import { writeResponse } from "../node-http.js";
import type { NodeResponse } from "../node-http.js";

/** Write a complete application/json response. */
export function sendJson(
  res: NodeResponse,
  status: number,
  body: string | Uint8Array,
  extraHeaders: OutgoingHttpHeaders = {},
): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  writeResponse(res, status, { ...extraHeaders, "content-type": "application/json" }, bytes);
}
