import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConnectError } from "@connectrpc/connect";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { createMetrics } from "../../src/server/metrics.js";
import { describeEachBackend } from "../support/backends.js";
import { clientsFor, embedded, metricValue, sampleValue, type ProtocolName } from "./ops-support.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

const service = "zitadel.management.v1.ManagementService";
const protocols: ProtocolName[] = ["grpc", "grpc-web", "connect"];

describeEachBackend("metrics at /metrics", (backend) => {
  let keygate: TestKeygate;
  let scraped: string;

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    const { clients, close } = clientsFor(keygate.url, keygate.adminToken);
    const intruder = clientsFor(keygate.url, "wrong-token");
    try {
      const project = await clients.connect.addProject({ name: "measured" });
      for (const protocol of protocols) {
        const app = await clients[protocol].addAPIApp({ projectId: project.id, name: `jwt-${protocol}`, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
        await clients[protocol].addAppKey({ projectId: project.id, appId: app.appId, type: KeyType.JSON });
        await expect(intruder.clients[protocol].getMyOrg({})).rejects.toBeInstanceOf(ConnectError);
      }
      await fetch(`${keygate.url}/management/v1/orgs/me`, { headers: { authorization: `Bearer ${keygate.adminToken}` } });
      await fetch(`${keygate.url}/management/v1/no/such/path`);
    } finally {
      close();
      intruder.close();
    }
    const res = await fetch(`${keygate.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    scraped = await res.text();
  });
  afterAll(() => keygate.dispose());

  const sample = (name: string, labels: Record<string, string>) => sampleValue(scraped, name, labels);

  test("requests are counted by protocol, method and code", () => {
    for (const protocol of protocols) {
      expect(sample("keygate_requests_total", { protocol, method: `${service}/AddAPIApp`, code: "ok" })).toBe(1);
      expect(sample("keygate_requests_total", { protocol, method: `${service}/AddAppKey`, code: "ok" })).toBe(1);
      expect(sample("keygate_requests_total", { protocol, method: `${service}/GetMyOrg`, code: "unauthenticated" })).toBe(1);
    }
    expect(sample("keygate_requests_total", { protocol: "rest", method: `${service}/GetMyOrg`, code: "ok" })).toBe(1);
    // Unknown paths share one label value, so they cannot blow up the series count.
    expect(sample("keygate_requests_total", { protocol: "rest", method: "unmatched", code: "not_found" })).toBe(1);
  });

  test("latency is a histogram per protocol and method", () => {
    const labels = { protocol: "grpc", method: `${service}/AddAppKey` };
    expect(sample("keygate_request_duration_seconds_count", labels)).toBe(1);
    expect(sample("keygate_request_duration_seconds_sum", labels)).toBeGreaterThan(0);
    expect(sample("keygate_request_duration_seconds_bucket", { ...labels, le: "+Inf" })).toBe(1);
  });

  test("appended events are counted by type once committed", () => {
    expect(sample("keygate_events_appended_total", { event_type: "project.added" })).toBe(1);
    expect(sample("keygate_events_appended_total", { event_type: "project.application.added" })).toBe(3);
  });

  test("the database pool is reported on Postgres, absent on the embedded database", () => {
    const total = sample("keygate_db_pool_connections", {});
    if (backend.name === "postgres") {
      expect(total).toBeGreaterThanOrEqual(1);
      expect(sample("keygate_db_pool_idle_connections", {})).toBeGreaterThanOrEqual(0);
      expect(sample("keygate_db_pool_waiting_clients", {})).toBe(0);
    } else {
      expect(total).toBeUndefined();
    }
  });

  test("process metrics come along; nothing in the scrape is a credential", () => {
    expect(sample("process_resident_memory_bytes", {})).toBeGreaterThan(0);
    expect(scraped).not.toContain(keygate.adminToken);
    expect(scraped).not.toContain("wrong-token");
  });
});

describe("metrics registries", () => {
  test("each keygate has its own: two instances in one process count separately", async () => {
    const [a, b] = [await startTestKeygate(embedded), await startTestKeygate(embedded)];
    try {
      await fetch(`${a.url}/healthz`);
      await fetch(`${a.url}/healthz`);
      await fetch(`${b.url}/healthz`);
      expect(await metricValue(a.url, "keygate_requests_total", { protocol: "http", method: "/healthz" })).toBe(2);
      expect(await metricValue(b.url, "keygate_requests_total", { protocol: "http", method: "/healthz" })).toBe(1);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  }, 120_000);

  test("pool gauges read the pool at scrape time", async () => {
    const metrics = createMetrics();
    const pool = { totalCount: 3, idleCount: 1, waitingCount: 0 };
    metrics.observePool(pool);
    pool.waitingCount = 4;
    const text = await metrics.registry.metrics();
    expect(sampleValue(text, "keygate_db_pool_connections", {})).toBe(3);
    expect(sampleValue(text, "keygate_db_pool_idle_connections", {})).toBe(1);
    expect(sampleValue(text, "keygate_db_pool_waiting_clients", {})).toBe(4);
  });
});
