import type { IncomingHttpHeaders } from "node:http2";

/** RFC 9110's token: what a header name may consist of. */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A request's headers (HTTP/1.1 or HTTP/2) as WHATWG Headers, without HTTP/2's ":path"-style
 * pseudo-headers, read straight from Node's header object until something changes or lists them.
 * Filling a Headers object append by append costs a good part of a small call (issue 5), and a
 * call reads two or three headers at most. Anything but get and has first copies every header in,
 * then does what Headers does.
 *
 * Node joins a repeated header's values with ", " (cookie with "; "), as Headers.get would join
 * what was appended, and hands values over without surrounding whitespace (HTTP/2 allows none,
 * its HTTP/1.1 parser trims it), so none needs trimming.
 */
export class IncomingHeaders extends HeadersBase() {
  #pending: IncomingHttpHeaders | undefined;

  constructor(headers: IncomingHttpHeaders) {
    super();
    this.#pending = headers;
  }

  override get(name: string): string | null {
    const pending = this.#pending;
    if (pending === undefined) return super.get(name);
    // As Headers: a name that is no HTTP token (":path" included) is a caller's mistake.
    if (!token.test(name)) throw new TypeError(`Headers.get: "${name}" is an invalid header name.`);
    const value = pending[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }

  override has(name: string): boolean {
    return this.#pending === undefined ? super.has(name) : this.get(name) !== null;
  }

  override set(name: string, value: string): void {
    this.#copyIn();
    super.set(name, value);
  }

  override append(name: string, value: string): void {
    this.#copyIn();
    super.append(name, value);
  }

  override delete(name: string): void {
    this.#copyIn();
    super.delete(name);
  }

  override getSetCookie(): string[] {
    this.#copyIn();
    return super.getSetCookie();
  }

  override forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.#copyIn();
    super.forEach(callback, thisArg);
  }

  override entries(): Entries {
    this.#copyIn();
    return super.entries();
  }

  override keys(): Names {
    this.#copyIn();
    return super.keys();
  }

  override values(): Names {
    this.#copyIn();
    return super.values();
  }

  override [Symbol.iterator](): Entries {
    this.#copyIn();
    return super[Symbol.iterator]();
  }

  #copyIn(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    for (const name in pending) {
      const value = pending[name];
      if (name.startsWith(":") || value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) super.append(name, v);
    }
  }
}

type Entries = ReturnType<Headers["entries"]>;
type Names = ReturnType<Headers["keys"]>;

/** Headers as it is at run time: undici's types declare its methods as properties, which a subclass cannot override. */
interface HeadersMethods {
  append(name: string, value: string): void;
  delete(name: string): void;
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
  getSetCookie(): string[];
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void;
  entries(): Entries;
  keys(): Names;
  values(): Names;
  [Symbol.iterator](): Entries;
}

function HeadersBase(): new () => HeadersMethods {
  return Headers as unknown as new () => HeadersMethods;
}
