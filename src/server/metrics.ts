import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { HttpRoute } from "./http-routes.js";
import { writeResponse } from "./node-http.js";
import { RequestLatency } from "./request-latency.js";
import type { RequestListener } from "./request-observer.js";

/** What pg.Pool reports about its connections. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface Metrics extends RequestListener {
  /** One registry per keygate, so several in one process do not share counters. */
  readonly registry: Registry;
  /** GET /metrics in Prometheus' text format. */
  readonly route: HttpRoute;
  eventsAppended(events: readonly { type: string }[]): void;
  /** Database pool gauges; only Postgres has a pool. */
  observePool(pool: PoolStats): void;
  /** A client failed to authenticate at an OAuth endpoint (token, introspect, revoke). */
  oauthClientAuthFailed(endpoint: string): void;
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Counted per request in plain maps and handed to prom-client when scraped: its inc and dec
  // validate and hash a label object on every call (see request-latency.ts for the measurement).
  const requestCounts = new Map<string, { labels: { protocol: string; method: string; code: string }; value: number }>();
  const inFlightCounts = new Map<string, number>();
  new Counter({
    name: "keygate_requests_total",
    help: "Requests by protocol, method and status code",
    labelNames: ["protocol", "method", "code"] as const,
    registers,
    collect() {
      this.reset();
      for (const { labels, value } of requestCounts.values()) this.inc(labels, value);
    },
  });
  const latency = new RequestLatency({ name: "keygate_request_duration_seconds", help: "Request latency from arrival to the end of the response", buckets: latencyBuckets, registers });
  new Gauge({
    name: "keygate_requests_in_flight",
    help: "Requests being served",
    labelNames: ["protocol"] as const,
    registers,
    collect() {
      for (const [protocol, value] of inFlightCounts) this.set({ protocol }, value);
    },
  });
  const events = new Counter({ name: "keygate_events_appended_total", help: "Events committed to the event store, by event type", labelNames: ["event_type"] as const, registers });
  const clientAuthFailures = new Counter({
    name: "keygate_oauth_client_auth_failures_total",
    help: "Failed client authentications at the OAuth endpoints, by endpoint",
    labelNames: ["endpoint"] as const,
    registers,
  });
  return {
    registry,
    route: { method: "GET", path: "/metrics", handler: (_req, res) => scrape(registry).then((body) => writeResponse(res, 200, { "content-type": registry.contentType }, body)) },
    started: (protocol) => inFlightCounts.set(protocol, (inFlightCounts.get(protocol) ?? 0) + 1),
    finished(r) {
      inFlightCounts.set(r.protocol, inFlightCounts.get(r.protocol)! - 1);
      const key = `${r.protocol}\n${r.method}\n${r.code}`;
      const counted = requestCounts.get(key);
      if (counted) counted.value++;
      else requestCounts.set(key, { labels: { protocol: r.protocol, method: r.method, code: r.code }, value: 1 });
      latency.record(r.protocol, r.method, r.durationMs / 1000);
    },
    eventsAppended: (appended) => appended.forEach((e) => events.inc({ event_type: e.type })),
    observePool: (pool) => poolGauges(registry, pool),
    oauthClientAuthFailed: (endpoint) => clientAuthFailures.inc({ endpoint }),
  };
}

function poolGauges(registry: Registry, pool: PoolStats): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  gauge("keygate_db_pool_connections", "Connections the database pool holds, busy or idle", () => pool.totalCount);
  gauge("keygate_db_pool_idle_connections", "Idle connections in the database pool", () => pool.idleCount);
  gauge("keygate_db_pool_waiting_clients", "Queries waiting for a free pool connection", () => pool.waitingCount);
}

async function scrape(registry: Registry): Promise<Uint8Array> {
  return new TextEncoder().encode(await registry.metrics());
}
