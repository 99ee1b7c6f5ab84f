import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * The arrows of shared/design.md, read from the source: `server -> api -> domain`,
 * `api -> store -> domain`, and the api layer reaches the database only through the store's query
 * and command facades, never Kysely or a driver itself.
 */
const SRC = resolve("src");
const DATABASE_PACKAGES = ["kysely", "pg", "@electric-sql/pglite"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module a file imports, type-only and dynamic imports included, relative ones resolved. */
function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.map((s) => (s.startsWith(".") ? relative(SRC, resolve(dirname(file), s)) : s));
}

const packageOf = (specifier: string) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);

function violations(layer: string, forbidden: (target: string) => boolean): string[] {
  return sourceFiles(join(SRC, layer)).flatMap((file) =>
    importsOf(file, readFileSync(file, "utf8"))
      .filter(forbidden)
      .map((target) => `${relative(SRC, file)} -> ${target}`),
  );
}

describe("layers", () => {
  it("reads type-only, side-effect and dynamic imports, so a violation cannot hide", () => {
    const file = join(SRC, "api", "example.ts");
    const text = 'import type { Kysely } from "kysely";\nimport "pg";\nconst m = await import("../store/schema.js");';
    expect(importsOf(file, text)).toEqual(["kysely", "pg", "store/schema.js"]);
  });

  it("the api layer does not import Kysely or a database driver", () => {
    expect(violations("api", (target) => DATABASE_PACKAGES.includes(packageOf(target)))).toEqual([]);
  });

  it("the api layer does not reach into the server", () => {
    expect(violations("api", (target) => target.startsWith("server/"))).toEqual([]);
  });

  it("the store does not import the api layer or the server", () => {
    expect(violations("store", (target) => target.startsWith("api/") || target.startsWith("server/"))).toEqual([]);
  });

  it("the domain imports nothing of ours outside the domain, generated code included", () => {
    const ours = (target: string) => !target.startsWith("node:") && !target.startsWith("@") && target.includes(".js");
    expect(violations("domain", (target) => ours(target) && !target.startsWith("domain/"))).toEqual([]);
  });
});
