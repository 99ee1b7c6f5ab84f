import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { copyEmbeddedTemplate } from "./database-templates.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** Where the global setup built the server bundle for this run (see global-setup.ts). */
export const TEST_BUNDLE_ENV = "KEYGATE_TEST_BUNDLE";

/**
 * The arguments that run keygate's command line `args` under this Node: the bundle built once for the
 * run (as `npm start` and the image run dist/main.js) when there is one, else src/main.ts through tsx,
 * which compiles its modules again in every process (seconds of CPU on these machines).
 */
function keygateArgs(args: string[]): string[] {
  const bundle = process.env[TEST_BUNDLE_ENV];
  return bundle ? [bundle, ...args] : ["--import", "tsx", "src/main.ts", ...args];
}

export type LogLine = Record<string, unknown> & { msg?: string };

/** keygate's command line in a child process, with its JSON log lines as they arrive. */
export class KeygateProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stdoutText = "";
  private stderrText = "";
  private closed = false;
  /** Called on each log line and once at the close: the pending waitFor calls. */
  private readonly listeners = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (chunk: Buffer) => (this.stdoutText += chunk.toString()));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ msg: line });
      }
      this.listeners.forEach((l) => l());
    });
    child.stderr!.on("data", (chunk: Buffer) => (this.stderrText += chunk.toString()));
    // "close" comes after "exit" once stdout and stderr are read to their end: no line comes after it.
    this.exited = new Promise((resolve) =>
      child.once("close", (code, signal) => {
        this.closed = true;
        this.listeners.forEach((l) => l());
        resolve({ code, signal });
      }),
    );
  }

  /** What the process wrote to stdout so far, as written (an export's NDJSON, say). */
  get stdout(): string {
    return this.stdoutText;
  }

  /** What the process wrote to stderr so far (the start failures of main.ts go there). */
  get stderr(): string {
    return this.stderrText;
  }

  /** The first log line matching `match`, as soon as it is read; fails once the process ended without it, or after `timeoutMs`. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        outcome();
      };
      const fail = () => settle(() => reject(new Error(`no such log line; stdout: ${JSON.stringify(this.lines)} stderr: ${this.stderrText}`)));
      const check = () => {
        const found = this.lines.find(match);
        if (found) settle(() => resolve(found));
        else if (this.closed) fail();
      };
      const timer = setTimeout(fail, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** The port from the "keygate is listening" line. */
  async listening(timeoutMs = 120_000): Promise<number> {
    const { port } = (await this.waitFor((l) => l.msg === "keygate is listening", timeoutMs)) as { port: number };
    return port;
  }

  /** Ends the process with `signal` (unless it has exited) and waits for it. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export interface SpawnOptions {
  /** Written to the process's standard input (else it has none). */
  stdin?: string;
  /**
   * Whether V8 recompiles PGlite's hot WebAssembly with its optimizing compiler, as in production
   * (the default). false for a process that starts, answers a few calls and ends: its WebAssembly
   * then runs on the baseline code alone (--liftoff-only), as the recompile in the background costs
   * more CPU than those few calls gain from it (0.7 of a start's 1.6 s of CPU on these machines).
   * Tests of load or latency keep it.
   */
  optimizeWasm?: boolean;
}

/**
 * keygate's command line `args` (`serve` when none, see keygateArgs) as a child process with `env` on
 * top of this one's, minus any DATABASE_URL or KEYGATE_DATA_DIR of the caller's environment.
 */
export function spawnKeygate(env: Record<string, string>, args: string[] = [], options: SpawnOptions = {}): KeygateProcess {
  const { DATABASE_URL: _database, KEYGATE_DATA_DIR: _dataDir, ...inherited } = process.env;
  const nodeFlags = options.optimizeWasm === false ? ["--liftoff-only"] : [];
  const child = spawn(process.execPath, [...nodeFlags, ...keygateArgs(args)], {
    cwd: repo,
    env: { ...inherited, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  return new KeygateProcess(child);
}

/**
 * A new data dir (KEYGATE_DATA_DIR) whose embedded database (its db/, see databaseTarget) is a copy
 * of the run's template: migrated, or with `empty` as initdb left it. A process started on it skips
 * initdb (and, migrated, the migrations: about 5 s of CPU on these machines), for tests of something
 * else than a first start. The caller removes it.
 */
export async function templateDataDir({ empty = false }: { empty?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "keygate-process-"));
  await copyEmbeddedTemplate({ dir: join(dir, "db"), empty });
  return dir;
}
