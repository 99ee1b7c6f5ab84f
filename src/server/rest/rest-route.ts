import type { DescField, DescMethod } from "@bufbuild/protobuf";
import type { HttpBinding } from "./http-rules.js";
import { parsePathTemplate } from "./path-template.js";
import type { PathTemplate } from "./path-template.js";
import { resolveFieldPath } from "./field-values.js";

/** One REST endpoint: an HTTP method and a full path template, bound to an RPC. */
export interface RestRoute {
  /** Upper-case HTTP method; "*" accepts any. */
  readonly httpMethod: string;
  /** The full template, service prefix included. */
  readonly template: PathTemplate;
  readonly method: DescMethod;
  /** "*": the body is the request message; "": no body; else the field the body fills. */
  readonly body: string;
  /** The fields of the path variables, by dotted proto path ("project_id"). */
  readonly pathFields: ReadonlyMap<string, readonly DescField[]>;
  /** The field a `body: "field"` rule fills. */
  readonly bodyFields: readonly DescField[] | undefined;
}

/**
 * Compile a binding under a prefix such as "/management/v1". Every field the
 * rule names is resolved now, so a rule that does not fit its message fails
 * at startup rather than on a request.
 */
export function compileRestRoute(method: DescMethod, binding: HttpBinding, prefix: string): RestRoute {
  const where = `${method.parent.typeName}.${method.name} ${binding.httpMethod} ${binding.path}`;
  const template = parsePathTemplate(joinPath(prefix, binding.path));
  const pathFields = new Map<string, readonly DescField[]>();
  for (const variable of template.variables) {
    const fields = resolveFieldPath(method.input, variable.fieldPath);
    const leaf = fields?.[fields.length - 1];
    if (fields === undefined || leaf === undefined || leaf.fieldKind === "list" || leaf.fieldKind === "map") {
      throw new Error(`${where}: path variable ${variable.fieldPath.join(".")} is not a singular field of ${method.input.typeName}`);
    }
    pathFields.set(variable.fieldPath.join("."), fields);
  }
  let bodyFields: DescField[] | undefined;
  if (binding.body !== "" && binding.body !== "*") {
    bodyFields = resolveFieldPath(method.input, binding.body.split("."));
    if (bodyFields === undefined) {
      throw new Error(`${where}: body field ${binding.body} is not a field of ${method.input.typeName}`);
    }
  }
  return { httpMethod: binding.httpMethod, template, method, body: binding.body, pathFields, bodyFields };
}

function joinPath(prefix: string, path: string): string {
  return prefix.replace(/\/+$/, "") + path;
}
