import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ConfigError } from "../../src/config.js";
import { resolveMasterKey } from "../../src/master-key.js";

describe("the master key", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "keygate-masterkey-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const embedded = () => ({ kind: "embedded" as const, dataDir: join(dir, "db") });

  test("given, it is used as it is, on any database", async () => {
    const given = "k".repeat(32);
    expect(await resolveMasterKey(given, dir, { kind: "postgres", url: "postgres://x", poolSize: 1 })).toBe(given);
    expect(await resolveMasterKey(given, dir, embedded())).toBe(given);
  });

  test("on Postgres it must be given", async () => {
    await expect(resolveMasterKey(undefined, dir, { kind: "postgres", url: "postgres://x", poolSize: 1 })).rejects.toThrow(ConfigError);
    await expect(resolveMasterKey(undefined, dir, { kind: "postgres", url: "postgres://x", poolSize: 1 })).rejects.toThrow(/KEYGATE_MASTERKEY is required/);
  });

  test("on the embedded database it is generated once into <data dir>/masterkey, readable by its owner only", async () => {
    const first = await resolveMasterKey(undefined, dir, embedded());
    expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
    const path = join(dir, "masterkey");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, "utf8")).trim()).toBe(first);
    expect(await resolveMasterKey(undefined, dir, embedded())).toBe(first);
  });

  test("a damaged masterkey file stops the start instead of being replaced", async () => {
    await writeFile(join(dir, "masterkey"), "short\n", { mode: 0o600 });
    await expect(resolveMasterKey(undefined, dir, embedded())).rejects.toThrow(/exactly 32 characters/);
  });
});
