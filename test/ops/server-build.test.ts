import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { defaultConsoleDir } from "../../src/server/console-routes.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** The build runs as one bundled file; this starts it the way `npm start` and the Docker image do. */
function startBuilt(mainJs: string, dataDir: string): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, [mainJs], {
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

describe("the server build (npm run build:server)", () => {
  // Built under the repository, so that the bundle's own imports (PGlite, argon2) resolve from node_modules.
  const outDir = join(repo, "test-artifacts", `server-build-${randomBytes(4).toString("hex")}`);
  const mainJs = join(outDir, "main.js");
  let dataDir: string;

  beforeAll(async () => {
    await mkdir(outDir, { recursive: true });
    await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/build-server.ts", mainJs], { cwd: repo });
    // The console is found next to the bundle, as dist/console is next to dist/main.js.
    await symlink(defaultConsoleDir, join(outDir, "console"));
    dataDir = await mkdtemp(join(tmpdir(), "keygate-build-"));
  }, 60_000);
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  test("starts on a new embedded database, serves health, OpenAPI and the console, and stops on SIGTERM", async () => {
    const { child, port } = startBuilt(mainJs, dataDir);
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
  }, 60_000);

  test("restarts on the same data dir", async () => {
    const { child, port } = startBuilt(mainJs, dataDir);
    try {
      expect((await fetch(`http://127.0.0.1:${await port}/ready`)).status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 60_000);
});
