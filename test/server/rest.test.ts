import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { managementPrefix, startTestServer, testReadMaxBytes } from "./fixture.js";
import type { TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.seen.length = 0;
});

const auth = { authorization: "Bearer token-1" };

async function rest(
  method: string,
  path: string,
  init: { body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const res = await fetch(`${t.baseUrl}${managementPrefix}${path}`, {
    method,
    headers: { ...auth, ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === "" ? undefined : JSON.parse(text) };
}

describe("REST transcoding: mapping", () => {
  it("transcodes POST with body '*' into the Connect call, through the interceptor", async () => {
    const res = await rest("POST", "/projects/p1/apps/api", {
      body: JSON.stringify({ name: "n1", authMethodType: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT", unknownField: 1 }),
      headers: {
        "content-type": "application/json",
        "x-zitadel-orgid": "org-9",
        "accept-language": "de",
        "x-other": "not forwarded",
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json).toEqual({ appId: "app-of-p1", clientId: "n1", clientSecret: "auth-method-1" });
    expect(t.seen).toEqual([
      {
        method: "AddAPIApp",
        contentType: "application/json",
        authorization: "Bearer token-1",
        orgId: "org-9",
        acceptLanguage: "de",
        other: null,
        rest: {
          httpMethod: "POST",
          path: "/management/v1/projects/p1/apps/api",
          template: "/management/v1/projects/{project_id}/apps/api",
        },
      },
    ]);
  });

  it("lets path parameters override body values under either field name", async () => {
    const res = await rest("POST", "/projects/p1/apps/api", {
      body: JSON.stringify({ project_id: "evil", projectId: "evil-too", name: "n" }),
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ appId: "app-of-p1" });
  });

  it("treats an empty body as an empty message, and omits zero values in the response", async () => {
    const res = await rest("POST", "/projects/p2/apps/api");
    expect(res.status).toBe(200);
    // name "" is a zero value: clientId is absent, as grpc-gateway omits it.
    expect(res.json).toEqual({ appId: "app-of-p2", clientSecret: "auth-method-0" });
  });

  it("decodes percent-encoded path variables after splitting the path", async () => {
    const res = await rest("GET", "/projects/p%201/apps/a%2F1");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ app: { id: "a/1", name: "in project p 1" } });
  });

  it("takes a no-body rule's fields from typed query parameters and ignores its body", async () => {
    const res = await rest("POST", "/projects/p1/apps/a1/changes/_search?query.limit=10&query.asc=true&query.sequence=42&app_id=ignored&appId=ignored2&foo=bar", {
      body: JSON.stringify({ query: { limit: 99 } }),
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      result: [{ sequence: "42", editorId: JSON.stringify({ projectId: "p1", appId: "a1", limit: 10, asc: true }) }],
    });
  });

  it("accepts strconv booleans in query parameters", async () => {
    const res = await rest("POST", "/projects/p1/apps/a1/changes/_search?query.asc=1");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      result: [{ editorId: JSON.stringify({ projectId: "p1", appId: "a1", limit: 0, asc: true }) }],
    });
  });

  it("rejects a query parameter of the wrong type with 400 / code 3", async () => {
    const res = await rest("POST", "/projects/p1/apps/a1/changes/_search?query.limit=ten");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: 3, message: expect.stringContaining('"ten"') });
    expect(t.seen).toEqual([]);
  });

  it("rejects a repeated value for a singular query parameter", async () => {
    const res = await rest("POST", "/projects/p1/apps/a1/changes/_search?query.limit=1&query.limit=2");
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 3 });
  });

  it("routes POST /projects/_search to ListProjects", async () => {
    const res = await rest("POST", "/projects/_search", { body: "{}" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ result: [{ id: "listed", name: "from ListProjects" }] });
  });

  it("matches per HTTP method: GET on the AddAPIApp path is GetAppByID with app_id 'api'", async () => {
    const res = await rest("GET", "/projects/p1/apps/api");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ app: { id: "api", name: "in project p1" } });
  });
});

describe("REST transcoding: gateway errors", () => {
  it("answers an unknown route with 404 / code 5 'Not Found'", async () => {
    for (const path of [`${managementPrefix}/nope`, "/elsewhere", `${managementPrefix}/projects/p1/apps/a1/extra/segments`]) {
      const res = await fetch(`${t.baseUrl}${path}`, { headers: auth });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.json()).toEqual({ code: 5, message: "Not Found" });
    }
  });

  it("answers a known path with the wrong method with 405 / code 12", async () => {
    for (const [method, path] of [
      ["PATCH", "/projects/p1/apps/a1"],
      ["POST", "/orgs/me"],
    ]) {
      const res = await rest(method, path);
      expect(res.status).toBe(405);
      expect(res.json).toEqual({ code: 12, message: "Method Not Allowed" });
    }
    expect(t.seen).toEqual([]);
  });

  it("answers malformed JSON with 400 / code 3 before the interceptor", async () => {
    const res = await rest("POST", "/projects/p1/apps/api", { body: '{"name":' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: 3, message: expect.stringMatching(/^invalid request body: malformed JSON: /) });
    expect(t.seen).toEqual([]);
  });

  it("answers a JSON body that is not an object with 400 / code 3", async () => {
    for (const body of ["[1,2]", '"text"', "null", "7"]) {
      const res = await rest("POST", "/projects/p1/apps/api", { body });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ code: 3, message: "invalid request body: expected a JSON object" });
    }
  });

  it("answers a field of the wrong JSON type with 400 / code 3 (protojson's error)", async () => {
    const res = await rest("POST", "/projects/p1/apps/api", { body: JSON.stringify({ name: 5 }) });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 3 });
  });

  it("refuses a body over readMaxBytes with 429 / code 8 (ResourceExhausted)", async () => {
    const big = JSON.stringify({ name: "x".repeat(testReadMaxBytes) });
    const res = await rest("POST", "/projects/p1/apps/api", { body: big });
    expect(res.status).toBe(429);
    expect(res.json).toEqual({ code: 8, message: `request body is larger than the limit of ${testReadMaxBytes} bytes` });
    expect(t.seen).toEqual([]);
    // The server is still fine afterwards.
    expect((await rest("POST", "/projects/p3/apps/api", { body: "{}" })).status).toBe(200);
  });

  it("refuses a chunked body (no Content-Length) over readMaxBytes too", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${t.baseUrl}${managementPrefix}/projects/p1/apps/api`, {
      method: "POST",
      headers: auth,
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: 8 });
  });
});

describe("REST transcoding: errors from the call", () => {
  it("renders a Connect error with its ErrorDetail like grpc-gateway", async () => {
    const res = await rest("GET", "/projects/p1/apps/missing");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json).toEqual({
      code: 5,
      message: "Errors.App.NotExisting (QUERY-pCP8P)",
      details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id: "QUERY-pCP8P", message: "Errors.App.NotExisting" }],
    });
  });

  it("maps FailedPrecondition to HTTP 400 (grpc-gateway), not 412", async () => {
    const res = await rest("GET", "/projects/p1/apps/inactive");
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 9, message: "Application is not active (COMMAND-dsh35)" });
  });

  it("maps Unauthenticated to 401 with WWW-Authenticate and no details", async () => {
    const res = await fetch(`${t.baseUrl}${managementPrefix}/projects/p1/apps/a1`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("auth header missing");
    expect(await res.json()).toEqual({ code: 16, message: "auth header missing" });
  });

  it("keeps a real internal error internal", async () => {
    const res = await rest("GET", "/projects/p1/apps/boom");
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ code: 13, message: "internal error" });
  });
});

describe("plain HTTP routes", () => {
  it("serves GET /healthz before REST, and 405 for another method", async () => {
    const ok = await fetch(`${t.baseUrl}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("ok");
    const wrong = await fetch(`${t.baseUrl}/healthz`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
  });

  it("still serves the REST Healthz rule under the prefix", async () => {
    const res = await rest("GET", "/healthz");
    // Not implemented by the test service: the call reached ManagementService.Healthz.
    expect(res.status).toBe(501);
    expect(res.json).toMatchObject({ code: 12 });
    expect(t.seen.map((s) => s.method)).toEqual(["Healthz"]);
  });
});
