import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError, helpText, loadConfig } from "../../src/config.js";
import { embedded } from "./ops-support.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

const allowed = "http://console.example.test";
const other = "http://evil.example.test";
const addAPIApp = "/zitadel.management.v1.ManagementService/AddAPIApp";

const listOf = (header: string | null) => (header ?? "").split(",").map((h) => h.trim().toLowerCase());

function preflight(url: string, origin: string, method: string, requestHeaders: string) {
  return fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": requestHeaders } });
}

describe("CORS with KEYGATE_CORS_ORIGINS set", () => {
  let keygate: TestKeygate;
  beforeAll(async () => {
    keygate = await startTestKeygate(embedded, { corsOrigins: [allowed] });
  });
  afterAll(() => keygate.dispose());

  test("a preflight from an allowed origin is answered with 204 and the headers browsers need", async () => {
    const res = await preflight(`${keygate.url}${addAPIApp}`, allowed, "POST", "content-type,authorization,x-zitadel-orgid,x-grpc-web,x-user-agent");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(allowed);
    const headers = listOf(res.headers.get("access-control-allow-headers"));
    for (const h of ["content-type", "connect-protocol-version", "connect-timeout-ms", "grpc-timeout", "x-grpc-web", "x-user-agent", "authorization", "x-zitadel-orgid"]) {
      expect(headers).toContain(h);
    }
    expect(listOf(res.headers.get("access-control-allow-methods"))).toEqual(expect.arrayContaining(["post", "get", "put", "delete", "patch"]));
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    expect(listOf(res.headers.get("vary"))).toContain("origin");
  });

  test("a REST DELETE preflight is answered too (it never reaches the REST router)", async () => {
    const res = await preflight(`${keygate.url}/management/v1/projects/1/apps/2`, allowed, "DELETE", "authorization");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(allowed);
  });

  test("responses to an allowed origin expose the gRPC status headers", async () => {
    const res = await fetch(`${keygate.url}${addAPIApp}`, {
      method: "POST",
      headers: { origin: allowed, "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
      body: new Uint8Array([0, 0, 0, 0, 0]),
    });
    expect(res.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(listOf(res.headers.get("access-control-expose-headers"))).toEqual(expect.arrayContaining(["grpc-status", "grpc-message", "grpc-status-details-bin"]));
  });

  test("a disallowed origin gets no CORS headers, on the preflight or the call", async () => {
    const pre = await preflight(`${keygate.url}${addAPIApp}`, other, "POST", "authorization");
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(pre.headers.get("access-control-allow-headers")).toBeNull();
    const call = await fetch(`${keygate.url}/healthz`, { headers: { origin: other } });
    expect(call.status).toBe(200);
    expect(call.headers.get("access-control-allow-origin")).toBeNull();
    expect(call.headers.get("access-control-expose-headers")).toBeNull();
  });
});

describe("CORS settings", () => {
  test("without KEYGATE_CORS_ORIGINS there are no CORS headers at all; * allows any origin", async () => {
    const closed = await startTestKeygate(embedded);
    const open = await startTestKeygate(embedded, { corsOrigins: ["*"] });
    try {
      const refused = await preflight(`${closed.url}${addAPIApp}`, allowed, "POST", "authorization");
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
      const anyOrigin = await preflight(`${open.url}${addAPIApp}`, other, "POST", "authorization");
      expect([anyOrigin.status, anyOrigin.headers.get("access-control-allow-origin")]).toEqual([204, other]);
    } finally {
      await closed.dispose();
      await open.dispose();
    }
  }, 120_000);

  test("KEYGATE_CORS_ORIGINS is parsed into origins, and bad values are refused with a clear message", () => {
    expect(loadConfig({}).corsOrigins).toBeUndefined();
    expect(loadConfig({ KEYGATE_CORS_ORIGINS: "https://a.example.com, http://localhost:5173" }).corsOrigins).toEqual(["https://a.example.com", "http://localhost:5173"]);
    expect(loadConfig({ KEYGATE_CORS_ORIGINS: "*" }).corsOrigins).toEqual(["*"]);
    const problem = (value: string) => {
      try {
        loadConfig({ KEYGATE_CORS_ORIGINS: value });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${value}`);
    };
    expect(problem("https://a.example.com/")).toContain('"https://a.example.com/" is not an origin like https://console.example.com (did you mean "https://a.example.com"?)');
    expect(problem("console.example.com")).toContain('KEYGATE_CORS_ORIGINS: "console.example.com" is not an origin');
    expect(problem("*, https://a.example.com")).toContain("KEYGATE_CORS_ORIGINS is either * or a list of origins");
  });

  test("--help lists the setting", () => {
    expect(helpText()).toContain("KEYGATE_CORS_ORIGINS");
  });
});
