import { invalidArgument } from "./errors.js";
import { labelKeyProblem, labelValueProblem } from "./labels.js";

/**
 * Kubernetes label selectors (k8s.io/apimachinery/pkg/labels, labels.Parse), by hand: no npm
 * package parses them (none in the registry's list matched "label selector"; Kubernetes' own
 * clients leave selectors as strings for the API server). Grammar, as Kubernetes':
 *
 *   selector    ::= "" | requirement ("," requirement)*
 *   requirement ::= "!" KEY | KEY [ ("=" | "==" | "!=") VALUE | ("in" | "notin") "(" VALUE ("," VALUE)* ")" ]
 *
 * `k=v` and `k==v` need the label with that value; `k!=v` is met by objects without the label too,
 * as is `k notin (...)`; `k in (...)` needs the label; `k` needs it, `!k` its absence. Kubernetes'
 * `>` and `<` (integer comparison) are refused as not supported.
 */
export type LabelRequirement =
  | { key: string; operator: "exists" | "absent" }
  | { key: string; operator: "in" | "notin"; values: string[] };

export type LabelSelector = readonly LabelRequirement[];

type Token =
  | { kind: "identifier"; text: string }
  | { kind: "!" | "=" | "==" | "!=" | "(" | ")" | "," | "<" | ">" | "end" };

const SPECIAL = new Set(["!", "=", "(", ")", ",", "<", ">"]);
const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r";

const refused = (why: string) => invalidArgument("KEYGATE-sel01", `invalid label_selector: ${why}`);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
    } else if (SPECIAL.has(c)) {
      const two = text.slice(i, i + 2);
      if (two === "!=" || two === "==") {
        tokens.push({ kind: two });
        i += 2;
      } else {
        tokens.push({ kind: c as "!" });
        i++;
      }
    } else {
      let end = i;
      while (end < text.length && !isSpace(text[end]!) && !SPECIAL.has(text[end]!)) end++;
      tokens.push({ kind: "identifier", text: text.slice(i, end) });
      i = end;
    }
  }
  tokens.push({ kind: "end" });
  return tokens;
}

const describe = (token: Token) => (token.kind === "identifier" ? JSON.stringify(token.text) : token.kind === "end" ? "end of string" : `'${token.kind}'`);

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }
  private next(): Token {
    return this.tokens[this.at++]!;
  }

  selector(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    if (this.peek().kind === "end") return requirements;
    for (;;) {
      requirements.push(this.requirement());
      const after = this.next();
      if (after.kind === "end") return requirements;
      if (after.kind !== ",") throw refused(`found ${describe(after)}, expected ',' or end of string`);
    }
  }

  private requirement(): LabelRequirement {
    const first = this.next();
    if (first.kind === "!") {
      return { key: this.key(this.next()), operator: "absent" };
    }
    const key = this.key(first);
    const operator = this.peek();
    if (operator.kind === "," || operator.kind === "end") return { key, operator: "exists" };
    this.next();
    if (operator.kind === "identifier" && (operator.text === "in" || operator.text === "notin")) {
      return { key, operator: operator.text, values: this.valueSet() };
    }
    if (operator.kind === "=" || operator.kind === "==") return { key, operator: "in", values: [this.exactValue()] };
    if (operator.kind === "!=") return { key, operator: "notin", values: [this.exactValue()] };
    if (operator.kind === "<" || operator.kind === ">") throw refused(`operator '${operator.kind}' is not supported`);
    throw refused(`found ${describe(operator)} after key ${JSON.stringify(key)}, expected one of in, notin, =, ==, !=`);
  }

  private key(token: Token): string {
    if (token.kind !== "identifier") throw refused(`found ${describe(token)}, expected a label key`);
    const problem = labelKeyProblem(token.text);
    if (problem) throw refused(`key ${JSON.stringify(token.text)}: ${problem}`);
    return token.text;
  }

  private value(text: string): string {
    const problem = labelValueProblem(text);
    if (problem) throw refused(`value ${JSON.stringify(text)}: ${problem}`);
    return text;
  }

  /** `k=` (nothing before ',' or the end) means the empty value, as in Kubernetes. */
  private exactValue(): string {
    const token = this.peek();
    if (token.kind === "," || token.kind === "end") return "";
    this.next();
    if (token.kind !== "identifier") throw refused(`found ${describe(token)}, expected a label value`);
    return this.value(token.text);
  }

  /** "(" values ")"; as in Kubernetes, an empty position (`()`, `(a,)`, `(,a)`) is the empty value. */
  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== "(") throw refused(`found ${describe(open)}, expected '('`);
    const values = new Set<string>();
    let expectValue = true;
    for (;;) {
      const token = this.next();
      if (token.kind === "identifier" && expectValue) {
        values.add(this.value(token.text));
        expectValue = false;
      } else if (token.kind === ",") {
        if (expectValue) values.add("");
        expectValue = true;
      } else if (token.kind === ")") {
        if (expectValue) values.add("");
        return [...values];
      } else {
        throw refused(`found ${describe(token)} in a value set, expected a value, ',' or ')'`);
      }
    }
  }
}

/** Parses a selector; the empty (or blank) selector has no requirements and selects everything. */
export function parseLabelSelector(text: string): LabelSelector {
  return new Parser(tokenize(text)).selector();
}
