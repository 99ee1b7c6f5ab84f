import type { DescField, JsonObject, JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { isJsonObject, jsonValueFromText, resolveFieldPath, setJsonField } from "./field-values.js";
import type { RestRoute } from "./rest-route.js";
import { strictUtf8 } from "../connect-compat/unary-call.js";

/**
 * Build the request message, as protobuf JSON, for one REST call, following
 * grpc-gateway:
 * - `body: "*"`: the JSON body is the message; query parameters are ignored.
 * - `body: "field"`: the JSON body fills that field; query parameters the rest.
 * - no body: the body is ignored; query parameters (`?query.limit=10&query.asc=true`)
 *   fill the message, typed by its descriptor; unknown names are ignored.
 * - path variables always win over body and query values.
 * Throws InvalidArgument for a body that is not JSON, or values of the wrong type.
 */
export function buildRequestJson(
  route: RestRoute,
  pathValues: ReadonlyMap<string, string>,
  query: URLSearchParams,
  body: Uint8Array,
): JsonObject {
  let message: JsonObject = {};
  if (route.body === "*") {
    const parsed = parseJsonBody(body);
    if (parsed !== undefined) {
      if (!isJsonObject(parsed)) {
        throw new ConnectError("invalid request body: expected a JSON object", Code.InvalidArgument);
      }
      message = parsed;
    }
  } else {
    if (route.bodyFields !== undefined) {
      const parsed = parseJsonBody(body);
      if (parsed !== undefined) {
        setJsonField(message, route.bodyFields, parsed, "replace");
      }
    }
    applyQuery(route, message, query);
  }
  for (const [path, text] of pathValues) {
    const fields = route.pathFields.get(path);
    if (fields !== undefined) {
      setJsonField(message, fields, jsonValueFromText(fields[fields.length - 1], text), "replace");
    }
  }
  return message;
}

/** undefined for an empty body; throws InvalidArgument for anything that is not JSON. */
function parseJsonBody(body: Uint8Array): JsonValue | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new ConnectError("invalid request body: not valid UTF-8", Code.InvalidArgument);
  }
  if (text.trim() === "") {
    return undefined;
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ConnectError(`invalid request body: malformed JSON: ${reason}`, Code.InvalidArgument);
  }
}

function applyQuery(route: RestRoute, message: JsonObject, query: URLSearchParams): void {
  // Paths the URL path or the body already set; query values for them are dropped.
  const taken = [...route.pathFields.values(), ...(route.bodyFields ? [route.bodyFields] : [])].map(protoPath);
  const byField = new Map<string, { fields: DescField[]; values: string[] }>();
  for (const [key, value] of query) {
    const fields = resolveFieldPath(route.method.input, key.split("."));
    if (fields === undefined) {
      continue;
    }
    const path = protoPath(fields);
    if (taken.some((t) => path === t || path.startsWith(`${t}.`) || t.startsWith(`${path}.`))) {
      continue;
    }
    const entry = byField.get(path) ?? { fields, values: [] };
    entry.values.push(value);
    byField.set(path, entry);
  }
  for (const { fields, values } of byField.values()) {
    const leaf = fields[fields.length - 1];
    if (leaf.fieldKind === "list") {
      for (const value of values) {
        setJsonField(message, fields, jsonValueFromText(leaf, value), "append");
      }
    } else if (values.length > 1) {
      throw new ConnectError(`too many values for query parameter "${protoPath(fields)}"`, Code.InvalidArgument);
    } else {
      setJsonField(message, fields, jsonValueFromText(leaf, values[0]), "replace");
    }
  }
}

function protoPath(fields: readonly DescField[]): string {
  return fields.map((f) => f.name).join(".");
}
