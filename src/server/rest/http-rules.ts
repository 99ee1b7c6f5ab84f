import { getOption, hasOption } from "@bufbuild/protobuf";
import type { DescMethod } from "@bufbuild/protobuf";
import { http } from "../../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../../gen/google/api/http_pb.js";

/** One HTTP binding of an RPC: the rule itself or one of its additional_bindings. */
export interface HttpBinding {
  /** Upper-case HTTP method; "*" for a custom pattern that accepts any method. */
  httpMethod: string;
  /** Path template, relative to the service's REST prefix. */
  path: string;
  /** "" (no body: the rest comes from query parameters), "*" (the whole request), or a field path. */
  body: string;
}

/** The google.api.http bindings of a method; empty when it has none. */
export function httpBindingsOf(method: DescMethod): HttpBinding[] {
  if (!hasOption(method, http)) {
    return [];
  }
  const rule = getOption(method, http);
  // additional_bindings cannot nest (http.proto), so one level is all there is.
  return [rule, ...rule.additionalBindings].map((r) => bindingOf(method, r));
}

function bindingOf(method: DescMethod, rule: HttpRule): HttpBinding {
  if (rule.responseBody !== "") {
    // None of ZITADEL's rules use it; failing at startup beats serving a wrong shape.
    throw new Error(`${method.parent.typeName}.${method.name}: google.api.http response_body is not supported`);
  }
  const pattern = rule.pattern;
  switch (pattern.case) {
    case "get":
    case "put":
    case "post":
    case "delete":
    case "patch":
      return { httpMethod: pattern.case.toUpperCase(), path: pattern.value, body: rule.body };
    case "custom":
      return { httpMethod: pattern.value.kind.toUpperCase(), path: pattern.value.path, body: rule.body };
    default:
      throw new Error(`${method.parent.typeName}.${method.name}: google.api.http rule without a pattern`);
  }
}
