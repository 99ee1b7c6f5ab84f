import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, createClient } from "@connectrpc/connect";
import { Http2SessionManager, createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../src/gen/grpc/health/v1/health_pb.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { createHealthState } from "../../src/server/health.js";
import { healthRoutes, type ReadinessProbe } from "../../src/server/health-routes.js";
import { openStore } from "../../src/store/open-store.js";
import { databaseReadiness } from "../../src/store/readiness.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { managementClient } from "../support/management-client.js";
import { embedded } from "./ops-support.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

const served = [
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
  "keygate.v1.AppAccessService",
  "keygate.v1.AppSecretService",
  "keygate.v1.AppService",
  "keygate.v1.ProjectService",
  "zitadel.app.v2beta.AppService",
  "zitadel.application.v2.ApplicationService",
  "zitadel.management.v1.ManagementService",
  "zitadel.project.v2.ProjectService",
  "zitadel.project.v2beta.ProjectService",
];

describeEachBackend("health", (backend) => {
  let keygate: TestKeygate;
  let sessions: Http2SessionManager;

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    sessions = new Http2SessionManager(keygate.url);
  });
  afterAll(async () => {
    sessions.abort();
    await keygate.dispose();
  });

  const transports = () => ({
    grpc: createGrpcTransport({ baseUrl: keygate.url, sessionManager: sessions }),
    "grpc-web": createGrpcWebTransport({ baseUrl: keygate.url, httpVersion: "1.1" }),
    connect: createConnectTransport({ baseUrl: keygate.url, httpVersion: "1.1" }),
  });

  test.each(["grpc", "grpc-web", "connect"] as const)("Check over %s: the server and every served service are SERVING, unknown is NotFound", async (protocol) => {
    const health = createClient(Health, transports()[protocol]);
    for (const service of ["", ...served]) expect((await health.check({ service })).status).toBe(Status.SERVING);
    await expectError(health.check({ service: "no.such.Service" }), Code.NotFound, "unknown service");
  });

  test("List names the server and every served service, all SERVING", async () => {
    const { statuses } = await createClient(Health, transports().grpc).list({});
    expect(Object.keys(statuses).sort()).toEqual(["", ...served]);
    expect(Object.values(statuses).every((s) => s.status === Status.SERVING)).toBe(true);
  });

  test("GET /healthz is 200 and GET /ready is 200 with the database reachable and migrated", async () => {
    const healthz = await fetch(`${keygate.url}/healthz`);
    expect([healthz.status, await healthz.json()]).toEqual([200, { status: "alive" }]);
    const ready = await fetch(`${keygate.url}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: "ready" }]);
  });

  test("ZITADEL's Healthz RPC still answers, over Connect and REST", async () => {
    await expect(managementClient(keygate.url, undefined).healthz({})).resolves.toBeDefined();
    const rest = await fetch(`${keygate.url}/management/v1/healthz`);
    expect(rest.status).toBe(200);
  });
});

describe("health during shutdown", () => {
  test("Watch streams SERVING, then NOT_SERVING when shutdown begins, then ends; close() does not wait for the timeout", async () => {
    const keygate = await startTestKeygate(embedded, { shutdownTimeoutMs: 20_000 });
    const sessions = new Http2SessionManager(keygate.url);
    try {
      const health = createClient(Health, createGrpcTransport({ baseUrl: keygate.url, sessionManager: sessions }));
      const watched: Status[] = [];
      const known = health.watch({ service: ManagementService.typeName });
      const unknown = health.watch({ service: "no.such.Service" });
      const iterator = known[Symbol.asyncIterator]();
      watched.push((await iterator.next()).value!.status);
      const unknownFirst = (await unknown[Symbol.asyncIterator]().next()).value!.status;

      const started = Date.now();
      const closing = keygate.close();
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) watched.push(r.value.status);
      await closing;

      expect(watched).toEqual([Status.SERVING, Status.NOT_SERVING]);
      expect(unknownFirst).toBe(Status.SERVICE_UNKNOWN);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      sessions.abort();
      await keygate.dispose();
    }
  });

  test("/ready turns 503 the moment shutdown begins, and names a database that does not answer", async () => {
    const state = createHealthState(served);
    let probeResult: string | undefined;
    const probe: ReadinessProbe = async () => probeResult;
    const [, ready] = healthRoutes(state, probe);
    const server = http.createServer((req, res) => ready!.handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`;
    const get = async () => {
      const res = await fetch(url);
      return [res.status, await res.json()];
    };
    try {
      expect(await get()).toEqual([200, { status: "ready" }]);
      probeResult = "database unreachable";
      expect(await get()).toEqual([503, { status: "not ready", reason: "database unreachable" }]);
      probeResult = undefined;
      state.shutdown();
      expect(await get()).toEqual([503, { status: "not ready", reason: "shutting down" }]);
      expect(state.status("")).toBe(Status.NOT_SERVING);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("the database probe: ready on a migrated database, 'database unreachable' once it is closed", async () => {
    const target = await embedded.create();
    const store = await openStore(target);
    const probe = databaseReadiness(store.db);
    expect(await probe()).toBeUndefined();
    await store.close();
    expect(await probe()).toBe("database unreachable");
    await embedded.dispose(target);
  });
});
