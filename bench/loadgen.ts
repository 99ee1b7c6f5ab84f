/**
 * Load generator (child process): runs closed-loop workers against one workload and reports the
 * latencies of calls completed inside the measurement window, its own CPU time and errors.
 * Driven by bench/run.ts over IPC; never part of the server's process.
 */
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { createClient, type CallInput, type Op, type Protocol } from "./lib/clients.js";
import { formPoster } from "./lib/form-client.js";
import { rawAddApiApp, rawGetApp, rawIssueJwt, rawKeygen, rawListApps, type RawScope, type RawWorkload } from "./lib/raw-db.js";
import { serveRequests } from "./lib/procs.js";

export interface LoadSpec {
  /** "rpc": keygate or a no-op server; the others are in-process baselines. */
  kind: "rpc" | "form" | "raw-addApiApp" | "raw-getApp" | "raw-listApps" | "raw-keygen" | "raw-issueJwt";
  /** kind "form": POSTed to `url` over HTTP/1.1 keep-alive, with this Authorization header. */
  form?: { body: string; authorization: string };
  protocol?: Protocol;
  op?: Op;
  url?: string;
  token?: string;
  raw?: RawScope;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Worker i writes to projects[i % length] (AddAPIApp) or reads it (ListApps); with rotate, call n uses projects[n % length]. */
  projects?: string[];
  rotate?: boolean;
  /** [projectId, appId] pairs, picked at random per call (GetAppByID) or per worker (AddAppKey). */
  apps?: [string, string][];
  /** Tell the parent when the window opens and closes, so it can sample server CPU. */
  signalWindow?: boolean;
}

export interface LoadResult {
  completed: number;
  errors: number;
  firstError?: string;
  windowMs: number;
  latencies: number[];
  clientCpuMs: number;
}

const nodeIdBase = 60_000 + (process.pid % 5000);
let rawNode = 0;

async function run(spec: LoadSpec): Promise<LoadResult> {
  const tag = randomBytes(3).toString("hex");
  let counter = 0;
  const input = (worker: number): CallInput => {
    const projects = spec.projects ?? [];
    const apps = spec.apps ?? [];
    const pick = spec.op === "addAppKey" ? apps[worker % Math.max(1, apps.length)] : apps[Math.floor(Math.random() * apps.length)];
    return {
      ...(projects.length ? { projectId: projects[(spec.rotate ? counter : worker) % projects.length] } : {}),
      ...(pick ? { projectId: pick[0], appId: pick[1] } : {}),
      name: `bench-${tag}-${worker}-${counter++}`,
    };
  };

  let call: (i: CallInput) => Promise<void>;
  let close: () => Promise<void> | void;
  if (spec.kind === "rpc") {
    const client = createClient(spec.protocol!, { url: spec.url!, token: spec.token, concurrency: spec.concurrency });
    call = (i) => client.call(spec.op!, i);
    close = () => client.close();
  } else if (spec.kind === "form") {
    const poster = formPoster(spec.url!, spec.form!.body, spec.form!.authorization, spec.concurrency);
    call = () => poster.post();
    close = () => poster.close();
  } else if (spec.kind === "raw-issueJwt") {
    const workload = await rawIssueJwt({ ...spec.raw!, poolSize: Math.min(spec.raw!.poolSize, spec.concurrency) }, nodeIdBase + rawNode++);
    call = (i) => workload.call(i);
    close = () => workload.close();
  } else {
    const scope = () => ({ ...spec.raw!, poolSize: Math.min(spec.raw!.poolSize, spec.concurrency) });
    const workload: RawWorkload =
      spec.kind === "raw-addApiApp"
        ? rawAddApiApp(scope(), nodeIdBase + rawNode++)
        : spec.kind === "raw-getApp"
          ? rawGetApp(scope())
          : spec.kind === "raw-listApps"
            ? rawListApps(scope())
            : rawKeygen();
    call = (i) => workload.call(i);
    close = () => workload.close();
  }

  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const windowStart = start + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let opened = false;
  const openWindow = () => {
    if (opened) return;
    opened = true;
    cpuAtStart = process.cpuUsage();
    if (spec.signalWindow) process.send!({ type: "window", edge: "start" });
  };
  if (spec.warmupMs <= 0) openWindow();
  const opener = setTimeout(openWindow, Math.max(0, windowStart - performance.now()));
  let cpuAtEnd: NodeJS.CpuUsage | undefined;
  const closeWindow = () => {
    if (cpuAtEnd) return;
    openWindow();
    cpuAtEnd = process.cpuUsage(cpuAtStart);
    if (spec.signalWindow) process.send!({ type: "window", edge: "end" });
  };
  const closer = setTimeout(closeWindow, Math.max(0, windowEnd - performance.now()));

  const worker = async (w: number) => {
    while (performance.now() < windowEnd) {
      const t0 = performance.now();
      try {
        await call(input(w));
        const t1 = performance.now();
        if (t0 >= windowStart && t1 <= windowEnd) latencies.push(t1 - t0);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        // A failing target must not turn into a busy loop.
        if (errors > 1000) throw new Error(`too many errors; first: ${firstError}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.concurrency }, (_, w) => worker(w)));
  } finally {
    clearTimeout(opener);
    clearTimeout(closer);
    closeWindow();
    await close();
  }
  return {
    completed: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    windowMs: spec.durationMs,
    latencies,
    clientCpuMs: (cpuAtEnd!.user + cpuAtEnd!.system) / 1000,
  };
}

serveRequests(async (m) => {
  if (m.cmd === "run") return run(m.spec as LoadSpec);
  throw new Error(`unknown command ${m.cmd}`);
});
process.send!({ type: "ready" });
