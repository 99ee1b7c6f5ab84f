import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { templateDataDir, spawnKeygate, type LogLine } from "../support/keygate-process.js";

const serverUrl = new URL(process.env.TEST_DATABASE_URL!);
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "keygate-fail-"));
  dirs.push(dir);
  return dir;
}

/** Starts keygate (the run's bundle, see spawnKeygate) and collects what it printed until it exits. */
async function startKeygate(env: Record<string, string>): Promise<{ code: number | null; lines: LogLine[]; stderr: string }> {
  const child = spawnKeygate({ KEYGATE_LOG_LEVEL: "info", ...env }, [], { optimizeWasm: false });
  const timer = setTimeout(() => void child.stop("SIGKILL"), 60_000);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, lines: child.lines, stderr: child.stderr };
}

function databaseUrl(change: (url: URL) => void): string {
  const url = new URL(serverUrl);
  change(url);
  return url.toString();
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const onePlainLine = (lines: Array<Record<string, unknown>>) => {
  expect(lines).toHaveLength(1);
  expect(lines[0]).toEqual(expect.objectContaining({ level: 60, msg: expect.any(String), host: expect.any(String), cause: expect.any(String), hint: expect.any(String) }));
  return lines[0]!;
};

test.each([
  ["a database that cannot be reached", async () => databaseUrl((u) => (u.port = "1")), "the database cannot be reached", (u: URL) => `${u.hostname}:1`, /DATABASE_URL/],
  ["a role the database refuses", async () => databaseUrl((u) => (u.username = "no_such_role_keygate")), "the database refused the role", (u: URL) => `${u.hostname}:${u.port || 5432}`, /no_such_role_keygate/],
  ["a database that does not exist", async () => databaseUrl((u) => (u.pathname = "/no_such_database_keygate")), "the database does not exist", (u: URL) => `${u.hostname}:${u.port || 5432}`, /CREATE DATABASE "no_such_database_keygate"/],
])("%s: exactly one JSON line with msg, host, cause and hint, and a non-zero exit", async (_name, url, msg, host, hint) => {
  const result = await startKeygate({ DATABASE_URL: await url(), KEYGATE_MASTERKEY: "k".repeat(32), KEYGATE_DATA_DIR: await tempDir() });
  expect(result.code).toBe(1);
  const line = onePlainLine(result.lines);
  expect(line).toMatchObject({ msg, host: host(serverUrl) });
  expect(line.hint).toMatch(hint);
  expect(result.stderr).toBe("");
}, 90_000);

test("a port in use: one line naming the port, before anything is written to the data dir", async () => {
  const taken: Server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => taken.once("listening", resolve));
  const { port } = taken.address() as { port: number };
  const dataDir = join(await tempDir(), "data");
  try {
    const result = await startKeygate({ PORT: String(port), KEYGATE_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    const line = onePlainLine(result.lines);
    expect(line).toMatchObject({ msg: `port ${port} is already in use`, host: `127.0.0.1:${port}` });
    expect(line.hint).toContain("PORT");
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  } finally {
    taken.close();
  }
}, 90_000);

test("a port nothing holds is free to take (the check does not keep it)", async () => {
  const port = await closedPort();
  const dataDir = await templateDataDir();
  dirs.push(dataDir);
  const child = spawnKeygate({ PORT: String(port), KEYGATE_DATA_DIR: dataDir, KEYGATE_LOG_LEVEL: "info" }, [], { optimizeWasm: false });
  await child.listening();
  expect((await child.stop()).code).toBe(0);
}, 90_000);
