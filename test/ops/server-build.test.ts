import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bundleExternals } from "../../scripts/node-bundle.js";
import { defaultConsoleDir } from "../../src/server/console-routes.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** The node flags of `npm start` ("node --enable-source-maps dist/main.js" → ["--enable-source-maps"]). */
async function startFlags(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const words = scripts.start.split(/\s+/);
  expect(words[0]).toBe("node");
  expect(words.at(-1)).toBe("dist/main.js");
  return words.slice(1, -1);
}

/** The build runs as one bundled file; this starts it the way `npm start` and the Docker image do. */
function startBuilt(mainJs: string, dataDir: string, flags: string[]): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, [...flags, mainJs], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: "", KEYGATE_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", KEYGATE_ADMIN_TOKEN: randomBytes(32).toString("base64url") },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === "keygate is listening") resolve(entry.port!);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

interface Manifest {
  dependencies: Record<string, string>;
}
interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The run-time dependencies and theirs, as installed (other platforms' optional packages are not). */
async function runtimeClosure(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as Manifest;
  const lock = JSON.parse(await readFile(join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const found = new Set<string>();
  const pending = Object.keys(manifest.dependencies);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (found.has(name) || !existsSync(join(repo, "node_modules", name))) continue;
    found.add(name);
    const entry = lock.packages[`node_modules/${name}`] ?? {};
    pending.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}));
  }
  return [...found];
}

test("the run-time dependencies are exactly the packages the bundle loads from node_modules", async () => {
  const manifest = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as Manifest;
  expect(Object.keys(manifest.dependencies).sort()).toEqual([...bundleExternals].sort());
});

describe("the server build (npm run build:server)", () => {
  // Built outside the repository next to a node_modules that holds only the run-time dependencies
  // (as the image's does after npm prune --omit=dev), so the bundle can load nothing else.
  const outDir = join(tmpdir(), `keygate-server-build-${randomBytes(4).toString("hex")}`);
  const mainJs = join(outDir, "main.js");
  let dataDir: string;

  beforeAll(async () => {
    await mkdir(outDir, { recursive: true });
    for (const name of await runtimeClosure()) {
      await mkdir(dirname(join(outDir, "node_modules", name)), { recursive: true });
      await symlink(join(repo, "node_modules", name), join(outDir, "node_modules", name));
    }
    await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/build-server.ts", mainJs], { cwd: repo });
    // The console is found next to the bundle, as dist/console is next to dist/main.js.
    await symlink(defaultConsoleDir, join(outDir, "console"));
    dataDir = await mkdtemp(join(tmpdir(), "keygate-build-"));
  }, 60_000);
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  test("starts on a new embedded database, serves health, OpenAPI and the console, stops on SIGTERM, and restarts on the same data dir", async () => {
    const { child, port } = startBuilt(mainJs, dataDir, await startFlags());
    try {
      const base = `http://127.0.0.1:${await port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: object };
      expect(openapi.openapi).toMatch(/^3\.1/);
      expect(Object.keys(openapi.paths).length).toBeGreaterThan(0);
      const page = await fetch(`${base}/console/`);
      // pretest builds the console; without it the route says so (503) instead of serving the page.
      expect(page.status).toBe(existsSync(join(defaultConsoleDir, "index.html")) ? 200 : 503);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    // And it starts again on the data dir it made.
    const again = startBuilt(mainJs, dataDir, await startFlags());
    try {
      expect((await fetch(`http://127.0.0.1:${await again.port}/ready`)).status).toBe(200);
    } finally {
      expect(await stop(again.child)).toBe(0);
    }
  }, 60_000);

  test("a failure's logged stack points at the source files, as `npm start` runs it", async () => {
    // A data dir that is a file: an unexpected failure, logged with its stack.
    const notADir = join(dataDir, "not-a-dir");
    await writeFile(notADir, "");
    const { child, port } = startBuilt(mainJs, notADir, await startFlags());
    const lines: Array<{ msg?: string; err?: { stack?: string } }> = [];
    createInterface({ input: child.stdout! }).on("line", (line) => lines.push(JSON.parse(line) as { msg?: string }));
    await expect(port).rejects.toThrow(/exited 1/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "keygate serve failed" });
    // Whichever step trips over it first, the frame names a source file, not the bundle.
    expect(lines[0]!.err?.stack).toMatch(/\/src\/[\w/-]+\.ts:\d+:\d+/);
  }, 60_000);
});
