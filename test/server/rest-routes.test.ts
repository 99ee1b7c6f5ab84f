import { describe, expect, it } from "vitest";
import type { DescMethod } from "@bufbuild/protobuf";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { httpBindingsOf } from "../../src/server/rest/http-rules.js";
import { PathTemplateError, parsePathTemplate } from "../../src/server/rest/path-template.js";
import { compileRestRoute } from "../../src/server/rest/rest-route.js";
import { createRouteTable } from "../../src/server/rest/route-table.js";
import { buildRequestJson } from "../../src/server/rest/request-message.js";

const m = ManagementService.method;
const segments = (path: string) => path.slice(1).split("/");

describe("parsePathTemplate", () => {
  it("matches variables and literals and returns values by field path", () => {
    const t = parsePathTemplate("/projects/{project_id}/apps/{app_id}");
    expect(t.match(segments("/projects/p1/apps/a1"))).toEqual(new Map([["project_id", "p1"], ["app_id", "a1"]]));
    expect(t.match(segments("/projects/p1/apps"))).toBeUndefined();
    expect(t.match(segments("/projects/p1/keys/a1"))).toBeUndefined();
    expect(t.match(segments("/projects//apps/a1"))).toBeUndefined();
  });

  it("supports sub-patterns, ** and verbs", () => {
    expect(parsePathTemplate("/v1/{name=projects/*/apps/*}").match(segments("/v1/projects/p/apps/a"))).toEqual(
      new Map([["name", "projects/p/apps/a"]]),
    );
    const rest = parsePathTemplate("/files/{path=**}");
    expect(rest.match(segments("/files/a/b/c"))).toEqual(new Map([["path", "a/b/c"]]));
    expect(rest.match(segments("/files"))).toEqual(new Map([["path", ""]]));
    const verb = parsePathTemplate("/v1/{app.id}:cancel");
    expect(verb.verb).toBe("cancel");
    expect(verb.match(segments("/v1/a1:cancel"))).toEqual(new Map([["app.id", "a1"]]));
    expect(verb.match(segments("/v1/a1"))).toBeUndefined();
  });

  it("rejects malformed templates", () => {
    for (const bad of ["projects", "/a/{b", "/a/**/c", "/a/{b={c}}", "/a//b", "/a/{1x}"]) {
      expect(() => parsePathTemplate(bad)).toThrow(PathTemplateError);
    }
  });
});

describe("route table", () => {
  const route = (method: DescMethod, httpMethod: string, path: string, body = "*") =>
    compileRestRoute(method, { httpMethod, path, body }, "/management/v1");

  it("prefers literal segments over variables, whatever the registration order", () => {
    const variable = route(m.getAppByID, "POST", "/projects/{project_id}/apps/{app_id}");
    const literal = route(m.addAPIApp, "POST", "/projects/{project_id}/apps/api");
    for (const routes of [[variable, literal], [literal, variable]]) {
      const table = createRouteTable(routes);
      const api = table.lookup("POST", "/management/v1/projects/p1/apps/api");
      expect(api.kind === "match" && api.route.method.name).toBe("AddAPIApp");
      const other = table.lookup("POST", "/management/v1/projects/p1/apps/a1");
      expect(other.kind === "match" && other.route.method.name).toBe("GetAppByID");
    }
  });

  it("prefers a single-segment variable over **", () => {
    const deep = route(m.getAppByID, "GET", "/projects/{project_id=**}");
    const single = route(m.getProjectByID, "GET", "/projects/{id}");
    const table = createRouteTable([deep, single]);
    const one = table.lookup("GET", "/management/v1/projects/p1");
    expect(one.kind === "match" && one.route.method.name).toBe("GetProjectByID");
    const two = table.lookup("GET", "/management/v1/projects/p1/x");
    expect(two.kind === "match" && two.route.method.name).toBe("GetAppByID");
  });

  it("tells not-found from method-not-allowed from a malformed path", () => {
    const table = createRouteTable([route(m.getAppByID, "GET", "/projects/{project_id}/apps/{app_id}", "")]);
    expect(table.lookup("DELETE", "/management/v1/projects/p/apps/a").kind).toBe("method-not-allowed");
    expect(table.lookup("GET", "/management/v1/projects/p/apps").kind).toBe("not-found");
    expect(table.lookup("GET", "/projects/p/apps/a").kind).toBe("not-found");
    expect(table.lookup("GET", "/management/v1/projects/p/apps/%E0%A4%A").kind).toBe("malformed-path");
  });

  it("refuses duplicate routes and rules that name unknown fields", () => {
    expect(() =>
      createRouteTable([route(m.getAppByID, "GET", "/a/{app_id}"), route(m.getAppByID, "GET", "/a/{app_id}")]),
    ).toThrow(/duplicate REST route/);
    expect(() => route(m.getAppByID, "GET", "/a/{nope}")).toThrow(/nope/);
    expect(() => route(m.getAppByID, "POST", "/a", "nope")).toThrow(/nope/);
  });

  it("compiles every google.api.http rule of ManagementService", () => {
    const routes = ManagementService.methods.flatMap((method) =>
      httpBindingsOf(method).map((b) => compileRestRoute(method, b, "/management/v1")),
    );
    const table = createRouteTable(routes);
    expect(routes.length).toBeGreaterThan(20);
    const listApps = table.lookup("POST", "/management/v1/projects/p/apps/_search");
    expect(listApps.kind === "match" && listApps.route.method.name).toBe("ListApps");
    const changes = table.lookup("POST", "/management/v1/projects/p/apps/a/changes/_search");
    expect(changes.kind === "match" && changes.route.body).toBe("");
  });
});

describe("buildRequestJson", () => {
  it("sets a body field for `body: \"field\"` rules and fills the rest from the query", () => {
    const r = compileRestRoute(m.listAppChanges, { httpMethod: "POST", path: "/p/{project_id}", body: "query" }, "");
    const json = buildRequestJson(
      r,
      new Map([["project_id", "p1"]]),
      new URLSearchParams("app_id=a1&query.limit=5&projectId=ignored"),
      new TextEncoder().encode('{"limit":3,"asc":true}'),
    );
    // query.limit from the URL is dropped: the body owns "query".
    expect(json).toEqual({ query: { limit: 3, asc: true }, appId: "a1", projectId: "p1" });
  });

  const noBody = (method: DescMethod) => compileRestRoute(method, { httpMethod: "GET", path: "/x", body: "" }, "");
  const fromQuery = (method: DescMethod, query: string) =>
    buildRequestJson(noBody(method), new Map(), new URLSearchParams(query), new Uint8Array(0));

  it("types uint64 as a string, uint32 as a number, bool as a boolean", () => {
    expect(fromQuery(m.listApps, "query.offset=18446744073709551615&query.limit=7&query.asc=false")).toEqual({
      query: { offset: "18446744073709551615", limit: 7, asc: false },
    });
  });

  it("takes enums by name or number, timestamps as text, repeated fields by repetition", () => {
    expect(fromQuery(m.addAppKey, "type=KEY_TYPE_JSON&expiration_date=2030-01-01T00:00:00Z")).toEqual({
      type: "KEY_TYPE_JSON",
      expirationDate: "2030-01-01T00:00:00Z",
    });
    expect(fromQuery(m.addAPIApp, "authMethodType=1")).toEqual({ authMethodType: 1 });
    expect(fromQuery(m.addOrgMember, "roles=ORG_OWNER&roles=ORG_USER_MANAGER&userId=u1")).toEqual({
      roles: ["ORG_OWNER", "ORG_USER_MANAGER"],
      userId: "u1",
    });
  });

  it("refuses message fields that have no text form", () => {
    expect(() => fromQuery(m.listApps, "query=x")).toThrow(/cannot be set from the URL/);
  });
});
