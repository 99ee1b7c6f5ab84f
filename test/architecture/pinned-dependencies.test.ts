import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";

/** Packages whose internals keygate relies on (src/server/connect-compat/README.md says which and why). */
const PINNED = ["@connectrpc/connect", "@connectrpc/connect-node", "kysely", "pg"];

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, unknown>>;

describe("pinned dependencies", () => {
  const manifest = readJson("package.json");
  const lock = readJson("package-lock.json");
  const packages = lock.packages as Record<string, { version: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
  // Bundled into dist/main.js, they are build-time (dev) dependencies; the pin holds either way.
  const declared: Record<string, string> = { ...(manifest.dependencies as Record<string, string>), ...(manifest.devDependencies as Record<string, string>) };
  const lockRoot = { ...packages[""]!.dependencies, ...packages[""]!.devDependencies };

  it.each(PINNED)("%s is pinned to one exact version, the one the lock file installs", (name) => {
    const wanted = declared[name];
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/);
    expect(packages[`node_modules/${name}`]!.version).toBe(wanted);
    expect(lockRoot[name]).toBe(wanted);
  });

  it("connect-compat's README names the connect-es version it mirrors", () => {
    const readme = readFileSync("src/server/connect-compat/README.md", "utf8");
    expect(readme).toContain(`connect-es ${declared["@connectrpc/connect"]}`);
    expect(declared["@connectrpc/connect-node"]).toBe(declared["@connectrpc/connect"]);
  });
});
