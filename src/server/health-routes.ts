import type { HealthState } from "./health.js";
import type { HttpRoute } from "./http-routes.js";
import { writeResponse, type NodeResponse } from "./node-http.js";

/** Why keygate cannot take traffic, or undefined when it can. */
export type ReadinessProbe = () => Promise<string | undefined>;

/**
 * GET /healthz: the process answers (liveness). GET /ready: it can serve calls, i.e. the database
 * answers and is migrated, and shutdown has not begun (readiness).
 */
export function healthRoutes(state: HealthState, probe: ReadinessProbe): HttpRoute[] {
  return [
    { method: "GET", path: "/healthz", handler: (_req, res) => sendStatus(res, 200, { status: "alive" }) },
    {
      method: "GET",
      path: "/ready",
      handler: (_req, res) =>
        readiness(state, probe).then(
          (reason) => sendStatus(res, reason === undefined ? 200 : 503, reason === undefined ? { status: "ready" } : { status: "not ready", reason }),
          () => sendStatus(res, 503, { status: "not ready", reason: "readiness check failed" }),
        ),
    },
  ];
}

async function readiness(state: HealthState, probe: ReadinessProbe): Promise<string | undefined> {
  if (state.stopping.aborted) return "shutting down";
  const reason = await probe();
  // Shutdown may have begun while the database answered.
  return state.stopping.aborted ? "shutting down" : reason;
}

function sendStatus(res: NodeResponse, status: number, body: Record<string, string>): void {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  writeResponse(res, status, { "content-type": "application/json", "cache-control": "no-store" }, bytes);
}
