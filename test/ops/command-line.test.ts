import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeEachBackend, type Backend } from "../support/backends.js";
import { spawnKeygate, templateDataDir } from "../support/keygate-process.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `keygate <args>` in a child process (see spawnKeygate), with `stdin` as its standard input; its outcome once it exits. */
async function keygate(args: string[], env: Record<string, string>, stdin = ""): Promise<Run> {
  const child = spawnKeygate({ KEYGATE_LOG_LEVEL: "info", ...env }, args, { stdin, optimizeWasm: false });
  const { code } = await child.exited;
  return { code, stdout: child.stdout, stderr: child.stderr };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "keygate-cli-"));
  dirs.push(dir);
  return dir;
}

/**
 * The environment that points keygate at a fresh database of `backend`: empty (the command line's own
 * migrate and import are under test), or `migrated`. Embedded, either is a copy of the run's template
 * (database-templates.ts): no initdb, and no migrations where they are not under test (seconds of CPU).
 */
async function databaseEnv(backend: Backend, { migrated = false } = {}): Promise<Record<string, string>> {
  if (backend.name === "postgres") {
    const target = await backend.create({ empty: !migrated });
    if (target.kind !== "postgres") throw new Error("the Postgres backend made an embedded database");
    // On Postgres keygate needs a master key for its signing keys (the embedded one makes its own).
    return { DATABASE_URL: target.url, KEYGATE_DATA_DIR: await tempDir(), KEYGATE_MASTERKEY: "cli-test-master-key-0123456789ab" };
  }
  const dataDir = await templateDataDir({ empty: !migrated });
  dirs.push(dataDir);
  return { KEYGATE_DATA_DIR: dataDir };
}

const logLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test("--version prints the package's version", async () => {
  const { version } = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as { version: string };
  const run = await keygate(["--version"], {});
  expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
});

test("an unknown command exits 2 and shows the commands", async () => {
  const run = await keygate(["frobnicate"], {});
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('unknown command "frobnicate"');
  expect(run.stderr).toContain("keygate migrate");
});

describeEachBackend("keygate's command line", (backend) => {
  afterAll(() => backend.dispose());

  test("migrate brings a fresh database up to date once; with KEYGATE_AUTO_MIGRATE=false serve refuses an unmigrated one", async () => {
    const fresh = await databaseEnv(backend);
    const refused = await keygate(["rebuild-projections"], { ...fresh, KEYGATE_AUTO_MIGRATE: "false" });
    expect(refused.code).toBe(1);
    expect(logLines(refused.stdout)).toEqual([
      expect.objectContaining({ msg: "the database schema is not current", cause: expect.stringContaining("run `keygate migrate` first"), hint: expect.any(String) }),
    ]);

    const first = await keygate(["migrate"], fresh);
    expect(first.code).toBe(0);
    const applied = logLines(first.stdout).find((l) => l.msg === "migrations applied");
    expect(applied?.applied).toEqual(expect.arrayContaining(["0001-event-store", "0002-projections"]));
    const again = await keygate(["migrate"], fresh);
    expect(again.code).toBe(0);
    expect(logLines(again.stdout).find((l) => l.msg === "the schema is current")).toMatchObject({ applied: [] });

    const rebuilt = await keygate(["rebuild-projections"], { ...fresh, KEYGATE_AUTO_MIGRATE: "false" });
    expect(rebuilt.code).toBe(0);
  }, 120_000);

  let source: Record<string, string>;
  let dump: Run;
  beforeAll(async () => {
    source = await databaseEnv(backend, { migrated: true });
    // A first start writes the bootstrap's events (instance, org, admin, token): something to export.
    const token = randomBytes(32).toString("base64url");
    const served = spawnKeygate({ ...source, KEYGATE_ADMIN_TOKEN: token, KEYGATE_LOG_LEVEL: "info" }, [], { optimizeWasm: false });
    await served.listening();
    expect((await served.stop()).code).toBe(0);
    dump = await keygate(["export"], source);
  }, 120_000);

  test("export writes NDJSON to standard output and its log to standard error", () => {
    expect(dump.code).toBe(0);
    const lines = dump.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: "keygate-event-store", version: 1 });
    expect(lines.slice(1).map((l) => l.table)).toContain("events2");
    expect(logLines(dump.stderr).find((l) => l.msg === "event store exported")).toMatchObject({ rows: lines.length - 1 });
  });

  test("import reads an export into an empty database, and refuses one that holds events", async () => {
    const target = await databaseEnv(backend);
    const imported = await keygate(["import"], target, dump.stdout);
    expect(imported.code).toBe(0);
    expect(logLines(imported.stdout).find((l) => l.msg === "event store imported and projections rebuilt")?.events).toBeGreaterThan(5);
    const again = await keygate(["import"], target, dump.stdout);
    expect(again.code).toBe(1);
    expect(logLines(again.stdout).find((l) => l.msg === "keygate import failed")?.err).toMatchObject({ message: expect.stringContaining("the database already holds events") });
    // The copy exports exactly what the original did.
    const copy = await keygate(["export"], target);
    expect(copy.stdout).toBe(dump.stdout);
  }, 120_000);
});
