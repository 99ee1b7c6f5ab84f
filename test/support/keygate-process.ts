import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** Where the global setup built the server bundle for this run (see global-setup.ts). */
export const TEST_BUNDLE_ENV = "KEYGATE_TEST_BUNDLE";

/**
 * The arguments that run keygate's command line `args` under this Node: the bundle built once for the
 * run (as `npm start` and the image run dist/main.js) when there is one, else src/main.ts through tsx,
 * which compiles its modules again in every process (seconds of CPU on these machines).
 */
export function keygateArgs(args: string[]): string[] {
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
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (chunk: Buffer) => (this.stdoutText += chunk.toString()));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ msg: line });
      }
      this.waiters.forEach((w) => w());
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrText += chunk.toString();
      this.waiters.forEach((w) => w());
    });
    // "close" comes after "exit" once stdout and stderr are read to their end.
    this.exited = new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  }

  /** What the process wrote to stdout so far, as written (an export's NDJSON, say). */
  get stdout(): string {
    return this.stdoutText;
  }

  /** What the process wrote to stderr so far (the start failures of main.ts go there). */
  get stderr(): string {
    return this.stderrText;
  }

  /** The first log line matching `match`, waiting up to `timeoutMs` for it. */
  async waitFor(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`no such log line; stdout: ${JSON.stringify(this.lines)} stderr: ${this.stderrText}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
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

/**
 * keygate's command line `args` (`serve` when none, see keygateArgs) as a child process with `env` on
 * top of this one's, minus jest's NODE_OPTIONS and any DATABASE_URL or KEYGATE_DATA_DIR of the
 * caller's environment; `stdin` is written to its standard input (else it has none).
 */
export function spawnKeygate(env: Record<string, string>, args: string[] = [], options: { stdin?: string } = {}): KeygateProcess {
  const { NODE_OPTIONS: _jestOptions, DATABASE_URL: _database, KEYGATE_DATA_DIR: _dataDir, ...inherited } = process.env;
  const child = spawn(process.execPath, keygateArgs(args), {
    cwd: repo,
    env: { ...inherited, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  return new KeygateProcess(child);
}
