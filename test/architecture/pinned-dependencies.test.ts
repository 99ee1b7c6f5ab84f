import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";

/** Packages whose internals keygate relies on (src/server/connect-compat/README.md says which and why). */
const PINNED = ["@connectrpc/connect", "@connectrpc/connect-node", "kysely", "pg"];

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, unknown>>;

describe("pinned dependencies", () => {
  const manifest = readJson("package.json");
  const lock = readJson("package-lock.json");
  const packages = lock.packages as Record<string, { version: string; dependencies?: Record<string, string> }>;

  it.each(PINNED)("%s is pinned to one exact version, the one the lock file installs", (name) => {
    const wanted = manifest.dependencies![name];
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/);
    expect(packages[`node_modules/${name}`]!.version).toBe(wanted);
    expect(packages[""]!.dependencies![name]).toBe(wanted);
  });

  it("connect-compat's README names the connect-es version it mirrors", () => {
    const readme = readFileSync("src/server/connect-compat/README.md", "utf8");
    expect(readme).toContain(`connect-es ${manifest.dependencies!["@connectrpc/connect"]}`);
    expect(manifest.dependencies!["@connectrpc/connect-node"]).toBe(manifest.dependencies!["@connectrpc/connect"]);
  });
});
