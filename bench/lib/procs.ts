import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { basename, dirname, join, resolve } from "node:path";
import { bundleForNode } from "../../scripts/node-bundle.js";

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = dirname(BENCH_DIR);

/** Core layout: the server (and the raw-DB/keygen baselines, which stand in for it) on one core, load generators on the other. */
export interface Pinning {
  server: string | undefined;
  load: string | undefined;
  description: string;
}

export function pinning(): Pinning {
  const cores = availableParallelism();
  let taskset = true;
  try {
    readFileSync("/proc/self/status");
  } catch {
    taskset = false;
  }
  if (!taskset || cores < 2) return { server: undefined, load: undefined, description: `no pinning (${cores} core(s))` };
  const last = String(cores - 1);
  const server = cores > 2 ? `0-${cores - 2}` : "0";
  return {
    server,
    load: last,
    description: `server processes (keygate, no-op servers, raw pg and keygen baselines) on CPU ${server}; load generators on CPU ${last}; PostgreSQL unpinned (all ${cores} CPUs)`,
  };
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Next IPC message satisfying `match`. */
  next<T = any>(match: (m: any) => boolean, timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  /** Sends a request and waits for the reply with the same id. */
  request<T = any>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Returns the unsubscribe function. */
  onMessage(listener: (m: any) => void): () => void;
}

let requestIds = 0;

/**
 * Bundles a bench/*.ts script as keygate ships (scripts/node-bundle.ts; `npm start` runs such a
 * bundle) and returns the bundle's path. Servers under test run bundled: under tsx every closure
 * they create would also pay for a __name call that the shipped code does not make.
 */
export async function bundle(script: string): Promise<string> {
  const outfile = join(BENCH_DIR, "results", "bundles", basename(script).replace(/\.ts$/, ".js"));
  await bundleForNode(join(BENCH_DIR, script), outfile);
  return outfile;
}

/**
 * Runs a bench/*.ts script under Node + tsx, or a built .js file (see bundle) as it is, pinned with
 * taskset when `cpus` is given, with an IPC channel.
 */
export function spawnScript(script: string, opts: { cpus?: string | undefined; nodeArgs?: string[]; env?: NodeJS.ProcessEnv; args?: string[] } = {}): Child {
  const loader = script.endsWith(".js") ? [] : ["--import", "tsx"];
  const nodeArgs = [...(opts.nodeArgs ?? []), ...loader, resolve(BENCH_DIR, script), ...(opts.args ?? [])];
  const [cmd, args] = opts.cpus ? ["taskset", ["-c", opts.cpus, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const proc = spawn(cmd as string, args as string[], { cwd: ROOT_DIR, stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, ...opts.env } });
  const listeners = new Set<(m: any) => void>();
  proc.on("message", (m) => listeners.forEach((l) => l(m)));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const child: Child = {
    proc,
    pid: proc.pid!,
    onMessage: (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    next(match, timeoutMs = 600_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${script}: no reply within ${timeoutMs} ms`)), timeoutMs);
        const onExit = (code: number | null) => done(new Error(`${script} exited (${code}) before replying`));
        const listener = (m: any) => {
          if (m && m.type === "fatal") return done(new Error(`${script}: ${m.error}`));
          if (match(m)) done(undefined, m);
        };
        function done(error?: Error, value?: any) {
          clearTimeout(timer);
          listeners.delete(listener);
          proc.off("exit", onExit);
          if (error) reject(error);
          else resolve(value);
        }
        listeners.add(listener);
        proc.once("exit", onExit);
      });
    },
    send(message) {
      proc.send(message as any);
    },
    async request(message, timeoutMs) {
      const id = ++requestIds;
      const reply = child.next((m) => m && m.id === id, timeoutMs);
      proc.send({ ...message, id });
      const r: any = await reply;
      if (r.error) throw new Error(`${script}: ${r.error}`);
      return r;
    },
    async kill(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  return child;
}

/** A child-side helper: answers requests from the parent; a handler's throw becomes { error }. */
export function serveRequests(handler: (m: any) => Promise<unknown>): void {
  process.on("message", (m: any) => {
    if (!m || m.id === undefined) return;
    handler(m).then(
      (r) => process.send!({ ...(r as object), id: m.id }),
      (e: unknown) => process.send!({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
}

const CLK_TCK = 100;

/** CPU time (user+system) of a process, all its threads, in ms. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3]! + line[4]!;
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
