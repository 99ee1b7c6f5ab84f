/*
 * Path templates of google.api.http rules (google/api/http.proto):
 *
 *   Template = "/" Segments [ Verb ] ;
 *   Segments = Segment { "/" Segment } ;
 *   Segment  = "*" | "**" | LITERAL | Variable ;
 *   Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *   Verb     = ":" LITERAL ;
 *
 * `{project_id}` is short for `{project_id=*}`; `**` matches the rest of the
 * path and may only come last.
 */

export type TemplateSegment =
  | { kind: "literal"; value: string }
  /** `*`: exactly one segment. */
  | { kind: "segment" }
  /** `**`: zero or more segments, only at the end. */
  | { kind: "rest" };

export interface TemplateVariable {
  /** Field path in the request message, proto names, e.g. ["project_id"]. */
  fieldPath: string[];
  /** First segment index the variable covers. */
  start: number;
  /** Index after its last segment; for a variable ending in `**`, the end of the path. */
  end: number;
}

export interface PathTemplate {
  readonly template: string;
  readonly segments: readonly TemplateSegment[];
  readonly variables: readonly TemplateVariable[];
  readonly verb: string | undefined;
  /**
   * Match already split and percent-decoded path segments (verb still attached
   * to the last one). Returns the variables' values by dotted field path.
   */
  match(segments: readonly string[]): Map<string, string> | undefined;
}

export class PathTemplateError extends Error {
  constructor(template: string, reason: string) {
    super(`invalid path template "${template}": ${reason}`);
    this.name = "PathTemplateError";
  }
}

export function parsePathTemplate(template: string): PathTemplate {
  if (!template.startsWith("/")) {
    throw new PathTemplateError(template, "must start with /");
  }
  const { path, verb } = splitVerb(template);
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  for (const token of splitOutsideBraces(path.slice(1), "/", template)) {
    if (token.startsWith("{")) {
      if (!token.endsWith("}")) {
        throw new PathTemplateError(template, `unterminated variable ${token}`);
      }
      const inner = token.slice(1, -1);
      const eq = inner.indexOf("=");
      const fieldPath = (eq < 0 ? inner : inner.slice(0, eq)).split(".");
      if (fieldPath.some((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) {
        throw new PathTemplateError(template, `invalid field path in ${token}`);
      }
      const start = segments.length;
      const sub = eq < 0 ? ["*"] : inner.slice(eq + 1).split("/");
      for (const part of sub) {
        if (part.includes("{")) {
          throw new PathTemplateError(template, "nested variables are not allowed");
        }
        segments.push(simpleSegment(part, template));
      }
      variables.push({ fieldPath, start, end: segments.length });
    } else {
      segments.push(simpleSegment(token, template));
    }
  }
  const restAt = segments.findIndex((s) => s.kind === "rest");
  if (restAt >= 0 && restAt !== segments.length - 1) {
    throw new PathTemplateError(template, "** must be the last segment");
  }
  return {
    template,
    segments,
    variables,
    verb,
    match: (requestSegments) => matchTemplate(segments, variables, verb, requestSegments),
  };
}

function splitVerb(template: string): { path: string; verb: string | undefined } {
  const lastSlash = template.lastIndexOf("/");
  const colon = template.indexOf(":", lastSlash);
  // A colon inside a variable's braces (no such syntax) or before the last
  // slash is not a verb.
  if (colon < 0 || template.indexOf("}", colon) >= 0) {
    return { path: template, verb: undefined };
  }
  return { path: template.slice(0, colon), verb: template.slice(colon + 1) };
}

function splitOutsideBraces(s: string, separator: string, template: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of s) {
    if (ch === "{") depth++;
    if (ch === "}") depth--;
    if (depth < 0 || depth > 1) {
      throw new PathTemplateError(template, "unbalanced braces");
    }
    if (ch === separator && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (depth !== 0) {
    throw new PathTemplateError(template, "unbalanced braces");
  }
  parts.push(current);
  return parts;
}

function simpleSegment(token: string, template: string): TemplateSegment {
  if (token === "*") return { kind: "segment" };
  if (token === "**") return { kind: "rest" };
  if (token === "" || /[{}*]/.test(token)) {
    throw new PathTemplateError(template, `invalid segment "${token}"`);
  }
  return { kind: "literal", value: token };
}

function matchTemplate(
  segments: readonly TemplateSegment[],
  variables: readonly TemplateVariable[],
  verb: string | undefined,
  requestSegments: readonly string[],
): Map<string, string> | undefined {
  let actual = requestSegments;
  if (verb !== undefined) {
    const last = actual[actual.length - 1];
    const suffix = `:${verb}`;
    if (last === undefined || !last.endsWith(suffix)) {
      return undefined;
    }
    actual = [...actual.slice(0, -1), last.slice(0, -suffix.length)];
  }
  const hasRest = segments[segments.length - 1]?.kind === "rest";
  const fixed = hasRest ? segments.length - 1 : segments.length;
  if (hasRest ? actual.length < fixed : actual.length !== fixed) {
    return undefined;
  }
  for (let i = 0; i < fixed; i++) {
    const segment = segments[i];
    const value = actual[i];
    if (segment.kind === "literal" ? value !== segment.value : value === "") {
      return undefined;
    }
  }
  const values = new Map<string, string>();
  for (const variable of variables) {
    const end = variable.end === segments.length && hasRest ? actual.length : variable.end;
    values.set(variable.fieldPath.join("."), actual.slice(variable.start, end).join("/"));
  }
  return values;
}

/**
 * Orders templates so that the more specific one is tried first: segment by
 * segment, a literal beats `*`, which beats `**` (so `/projects/_search`
 * wins over `/projects/{id}`); a template with a verb beats one without.
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  // A template that has ended ranks like `*`: it can only tie with a longer
  // template through `**`, and then the shorter, exact one should win.
  const rank = (s: TemplateSegment | undefined) =>
    s === undefined ? 1 : s.kind === "literal" ? 0 : s.kind === "segment" ? 1 : 2;
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const d = rank(a.segments[i]) - rank(b.segments[i]);
    if (d !== 0) return d;
  }
  return (a.verb === undefined ? 1 : 0) - (b.verb === undefined ? 1 : 0);
}
