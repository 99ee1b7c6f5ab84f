/**
 * keygate benchmarks against baselines measured in the same run (issue 5).
 *
 *   npm run bench                     full run (~12 min)
 *   npm run bench -- --quick          smoke run with short windows and smaller seeds (< ~2 min)
 *   npm run bench -- --only=transport,write   only some groups (raw runs with write)
 *   npm run bench -- --only=v2        CreateApplication over v2 against AddAPIApp over v1, interleaved
 *   npm run bench -- --only=oauth     introspection against a no-op node:http server, token issuance against raw pg + RS256
 *   npm run bench -- --only=fsync     embedded AddAPIApp with fsync on (the default) against off, interleaved
 *   npm run bench -- --concurrency=8      only this concurrency for the write group
 *   npm run bench -- --keep-db        keep the database afterwards (for EXPLAIN and the like)
 *   npm run bench -- --profile=transport.keygate-healthz   also record a CPU profile of the server
 *                                     during that scenario (bench/results/*.cpuprofile; see bench/prof-summary.ts)
 *
 * Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names a
 * server and a database to connect to for CREATE/DROP DATABASE; the run uses a fresh database and drops it.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { ManagementService } from "../src/gen/zitadel/management_pb.js";
import type { LoadResult, LoadSpec } from "./loadgen.js";
import { BENCH_DIR, bundle, machineCpu, pinning, processCpuMs, ROOT_DIR, rssMiB, spawnScript, type Child } from "./lib/procs.js";
import { seedApps, seedEventsTo, vacuumAnalyze, type SeedScope } from "./lib/seed.js";
import { round, summarize, type LatencySummary } from "./lib/stats.js";

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const QUICK = flag("quick");
const ONLY = option("only")?.split(",");
const PROFILE = option("profile")?.split(",") ?? [];
const KEEP_DB = flag("keep-db");
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const P = QUICK
  ? { warmupMs: 400, durationMs: 1500, rounds: 2, roundWarmupMs: 200, scaleRoundMs: 1200, scaleRounds: 1, midApps: 10_000, bigApps: 100_000, events: 300_000, keysMs: 3000, restarts: 1 }
  : { warmupMs: 2000, durationMs: 8000, rounds: 4, roundWarmupMs: 300, scaleRoundMs: 3000, scaleRounds: 3, midApps: 10_000, bigApps: 100_000, events: 1_000_000, keysMs: 10_000, restarts: 3 };
const CONCURRENCIES = option("concurrency")?.split(",").map(Number) ?? [1, 8, 64];
const TRANSPORT_CONCURRENCY = 32;
const KEY_CONCURRENCY = 2;
const READ_CONCURRENCY = 8;
const POOL_SIZE = 10;
const SMALL_PROJECTS = 200;
const MID_PROJECTS = 3;

const want = (group: string) => !ONLY || ONLY.includes(group);

// ---------------------------------------------------------------------------------------------
// Results

interface Figures extends LatencySummary {
  throughput: number;
  errors: number;
  firstError?: string;
  /** CPU of the process under test during the window, % of one core, and per call. */
  serverCpuPct?: number;
  serverCpuUsPerCall?: number;
  clientCpuPct: number;
  /** All cores, % of the machine. */
  machineCpuPct: number;
  /** CPU of the whole machine (server, client, Postgres, all cores) per completed call, µs. */
  machineUsPerCall: number;
}

interface Row {
  id: string;
  group: string;
  name: string;
  concurrency?: number;
  figures?: Figures;
  /** For rows that are not throughput/latency measurements (start times, RSS). */
  value?: { label: string; amount: number; unit: string };
  baseline?: { id: string; name: string; figures?: Figures; value?: Row["value"] };
  /** What the ratio compares: keygate / baseline. */
  ratio?: { of: "throughput" | "p50" | "p99" | "value"; value: number };
  target?: { text: string; pass: boolean };
  note?: string;
}

const rows: Row[] = [];
const byId = new Map<string, Row>();
function add(row: Row): Row {
  rows.push(row);
  byId.set(row.id, row);
  printRow(row);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Processes

const pins = pinning();
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = join(BENCH_DIR, "results");

interface Target {
  child: Child;
  url: string;
  pid: number;
}

let loadGen: Child | undefined;
let loadGen2: Child | undefined;
let baselineGen: Child | undefined;

async function startLoadGen(cpusList: string | undefined): Promise<Child> {
  const child = spawnScript("loadgen.ts", { cpus: cpusList });
  await child.next((m) => m?.type === "ready", 60_000);
  return child;
}

async function startTarget(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Target & Record<string, any>> {
  const child = spawnScript(await bundle(script), { cpus: pins.server, args, env });
  const ready = await child.next((m) => m?.type === "ready", 120_000);
  return { ...ready, child, url: ready.url, pid: child.pid };
}

/** What measured windows of one load add up to. */
interface Sample {
  latencies: number[];
  completed: number;
  errors: number;
  firstError?: string;
  windowMs: number;
  /** CPU of the process under test in the windows; undefined without one. */
  serverCpuMs?: number;
  clientCpuMs: number;
  /** The machine's CPU time, busy and all, over the windows (all cores). */
  machineBusy: number;
  machineTotal: number;
}

type Measured = { pid: number; child?: Child } | undefined;

/** Runs one load spec, sampling the target's and the machine's CPU over exactly the measurement window. */
async function sample(gen: Child, spec: LoadSpec, target: Measured, profileAs?: string): Promise<Sample> {
  let cpu0 = 0;
  let cpu1 = 0;
  let m0 = machineCpu();
  let m1 = m0;
  const listener = (m: any) => {
    if (m?.type !== "window") return;
    if (m.edge === "start") {
      cpu0 = target ? processCpuMs(target.pid) : 0;
      m0 = machineCpu();
    } else {
      cpu1 = target ? processCpuMs(target.pid) : 0;
      m1 = machineCpu();
    }
  };
  const unsubscribe = gen.onMessage(listener);
  const profiling = profileAs !== undefined && PROFILE.includes(profileAs) && target?.child;
  if (profiling) await target.child!.request({ cmd: "profile-start" });
  const result = (await gen.request({ cmd: "run", spec: { ...spec, signalWindow: true } }, spec.warmupMs + spec.durationMs + 120_000).finally(unsubscribe)) as LoadResult;
  if (profiling) {
    const file = join(resultsDir, `${stamp}-${profileAs}.cpuprofile`);
    await target.child!.request({ cmd: "profile-stop", file });
    console.log(`  profile: ${file}`);
  }
  return {
    latencies: result.latencies,
    completed: result.completed,
    errors: result.errors,
    ...(result.firstError ? { firstError: result.firstError } : {}),
    windowMs: result.windowMs,
    ...(target ? { serverCpuMs: cpu1 - cpu0 } : {}),
    clientCpuMs: result.clientCpuMs,
    machineBusy: m1.busy - m0.busy,
    machineTotal: m1.total - m0.total,
  };
}

function joined(a: Sample, b: Sample): Sample {
  const firstError = a.firstError ?? b.firstError;
  return {
    latencies: [...a.latencies, ...b.latencies],
    completed: a.completed + b.completed,
    errors: a.errors + b.errors,
    ...(firstError ? { firstError } : {}),
    windowMs: a.windowMs + b.windowMs,
    ...(a.serverCpuMs === undefined || b.serverCpuMs === undefined ? {} : { serverCpuMs: a.serverCpuMs + b.serverCpuMs }),
    clientCpuMs: a.clientCpuMs + b.clientCpuMs,
    machineBusy: a.machineBusy + b.machineBusy,
    machineTotal: a.machineTotal + b.machineTotal,
  };
}

function figuresOf(s: Sample): Figures {
  const machine = s.machineTotal > 0 ? (s.machineBusy / s.machineTotal) * 100 : NaN;
  return {
    ...summarize(s.latencies),
    throughput: s.completed / (s.windowMs / 1000),
    errors: s.errors,
    ...(s.firstError ? { firstError: s.firstError } : {}),
    ...(s.serverCpuMs === undefined ? {} : { serverCpuPct: (s.serverCpuMs / s.windowMs) * 100, serverCpuUsPerCall: s.completed ? (s.serverCpuMs * 1000) / s.completed : NaN }),
    clientCpuPct: (s.clientCpuMs / s.windowMs) * 100,
    machineCpuPct: machine,
    machineUsPerCall: s.completed ? ((machine / 100) * cpus().length * s.windowMs * 1000) / s.completed : NaN,
  };
}

/** One load of a comparison: who generates it, what it runs, whose CPU is measured; `id` names the row. */
interface Load {
  id: string;
  gen: Child;
  spec: LoadSpec;
  target: Measured;
}

/**
 * Measures loads that are compared with each other in alternating rounds (the measurement window
 * split in `rounds` parts, each load's part after a short warm-up of its own), so that drift over
 * the run (a noisy neighbour, autovacuum, the CPU's clock) hits all of them alike instead of
 * whichever ran last. The first round warms up for the spec's full warm-up. A load is profiled
 * (--profile) in its first round.
 */
async function measureInterleaved(loads: Load[], rounds = P.rounds): Promise<Map<string, Figures>> {
  const totals = new Map<string, Sample>();
  for (let round = 0; round < rounds; round++) {
    for (const load of loads) {
      const spec = { ...load.spec, warmupMs: round === 0 ? load.spec.warmupMs : P.roundWarmupMs, durationMs: load.spec.durationMs / rounds };
      const s = await sample(load.gen, spec, load.target, round === 0 ? load.id : undefined);
      const total = totals.get(load.id);
      totals.set(load.id, total === undefined ? s : joined(total, s));
    }
  }
  return new Map([...totals].map(([id, total]) => [id, figuresOf(total)]));
}

/** One load on its own, over the whole window. */
async function measure(gen: Child, spec: LoadSpec, target: Measured, id: string): Promise<Figures> {
  return figuresOf(await sample(gen, spec, target, id));
}

/**
 * The machine's CPU per call split into the server's share and the rest (client, Postgres, the
 * kernel): what the server's own code can win at most. Both processes share two cores with
 * Postgres, so a row near full machine CPU is bound by that sum, not by the server alone.
 */
function cpuBudget(f: Figures): { server: number; rest: number; callsPerSecondWithoutServer: number } {
  const server = f.serverCpuUsPerCall ?? 0;
  const rest = f.machineUsPerCall - server;
  return { server, rest, callsPerSecondWithoutServer: (cpus().length * 1e6) / rest };
}

const us = (v: number) => `${Math.round(v)} µs`;

const window = (over: Partial<LoadSpec> = {}) => ({ warmupMs: P.warmupMs, durationMs: P.durationMs, ...over });

// ---------------------------------------------------------------------------------------------
// Printing

const fmt = (v: number | undefined, digits = 2) => (v === undefined || !Number.isFinite(v) ? "-" : v >= 100 ? v.toFixed(0) : v.toFixed(digits));
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const COLS: [string, number, boolean][] = [
  ["scenario", 44, false],
  ["c", 3, true],
  ["calls/s", 8, true],
  ["p50 ms", 7, true],
  ["p99 ms", 7, true],
  ["srv CPU", 7, true],
  ["us/call", 7, true],
  ["baseline", 30, false],
  ["b calls/s", 9, true],
  ["b p50", 6, true],
  ["b p99", 6, true],
  ["ratio", 12, true],
  ["target", 28, false],
];
const header = () => COLS.map(([h, w, right]) => (right ? lpad(h, w) : pad(h, w))).join(" ");

function cells(row: Row): string[] {
  const f = row.figures;
  const b = row.baseline?.figures;
  const main = row.value ? [`${fmt(row.value.amount)} ${row.value.unit}`, "", ""] : [fmt(f?.throughput, 0), fmt(f?.p50), fmt(f?.p99)];
  const base = row.baseline?.value ? [`${fmt(row.baseline.value.amount)} ${row.baseline.value.unit}`, "", ""] : [fmt(b?.throughput, 0), fmt(b?.p50), fmt(b?.p99)];
  const ratio = row.ratio ? `${row.ratio.value.toFixed(2)}x ${row.ratio.of === "throughput" ? "tput" : row.ratio.of}` : "";
  const target = row.target ? `${row.target.pass ? "PASS" : "FAIL"} ${row.target.text}` : "";
  const cpu = f?.serverCpuPct !== undefined && Number.isFinite(f.serverCpuPct) ? `${fmt(f.serverCpuPct, 0)}%` : "";
  const perCall = f?.serverCpuUsPerCall !== undefined ? fmt(f.serverCpuUsPerCall, 0) : "";
  return [row.name, row.concurrency === undefined ? "" : String(row.concurrency), ...main, cpu, perCall, row.baseline?.name ?? "", ...base, ratio, target];
}

function printRow(row: Row): void {
  const c = cells(row);
  console.log(COLS.map(([, w, right], i) => (right ? lpad(c[i]!, w) : pad(c[i]!, w))).join(" "));
  if (row.figures?.errors) console.log(`    ! ${row.figures.errors} errors, first: ${row.figures.firstError}`);
}

// ---------------------------------------------------------------------------------------------
// Setup

const adminToken = randomBytes(32).toString("base64url");
const dbName = `keygate_bench_${stamp.toLowerCase().replace(/[^a-z0-9]/g, "_").slice(0, 40)}_${randomBytes(2).toString("hex")}`;
const dbUrl = (() => {
  const u = new URL(SERVER_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: SERVER_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

type Management = Client<typeof ManagementService>;
function management(url: string): Management {
  return createClient(
    ManagementService,
    createConnectTransport({
      baseUrl: url,
      httpVersion: "1.1",
      interceptors: [
        (next) => (req) => {
          req.header.set("authorization", `Bearer ${adminToken}`);
          return next(req);
        },
      ],
    }),
  );
}

async function inBatches<T>(n: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => make(i + j)))));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function transportScenarios(keygate: Target): Promise<void> {
  const c = TRANSPORT_CONCURRENCY;
  const spec = (url: string): LoadSpec => ({ kind: "rpc", protocol: "grpc", op: "healthz", url, concurrency: c, ...window() });
  const noops: [string, string, string[]][] = [
    ["transport.noop-grpc-js", "no-op @grpc/grpc-js server", []],
    ["transport.noop-connect", "no-op connect-node on http2 (h2c)", ["plain"]],
    ["transport.noop-keygate-connect-only", "no-op via keygate's handler+mux, fast path off", ["keygate-connect-only"]],
    ["transport.noop-keygate-stack", "no-op via keygate's handler+mux", ["keygate"]],
  ];
  // All servers stay up (idle ones cost nothing) so that every row is measured in the same rounds.
  const servers = await Promise.all(noops.map(([id, , args]) => startTarget(id === "transport.noop-grpc-js" ? "noop-grpc.ts" : "noop-connect.ts", args)));
  try {
    const loads: Load[] = [
      ...noops.map(([id], i) => ({ id, gen: loadGen!, spec: spec(servers[i]!.url), target: servers[i] })),
      { id: "transport.keygate-healthz", gen: loadGen!, spec: spec(keygate.url), target: keygate },
    ];
    const figures = await measureInterleaved(loads);
    const base = { id: "transport.noop-grpc-js", name: "no-op grpc-js", figures: figures.get("transport.noop-grpc-js")! };
    for (const [id, name] of noops) {
      const f = figures.get(id)!;
      add({ id, group: "transport", name: `${name}: Healthz gRPC`, concurrency: c, figures: f, ...(id === base.id ? {} : { baseline: base, ratio: { of: "throughput", value: f.throughput / base.figures.throughput } }) });
    }
    const keygateFigures = figures.get("transport.keygate-healthz")!;
    const ratio = keygateFigures.throughput / base.figures.throughput;
    add({
      id: "transport.keygate-healthz",
      group: "transport",
      name: "keygate Healthz (no DB) over gRPC",
      concurrency: c,
      figures: keygateFigures,
      baseline: base,
      ratio: { of: "throughput", value: ratio },
      target: { text: ">= 0.90x no-op grpc-js", pass: ratio >= 0.9 },
      note: capacityNote(keygateFigures, base.figures),
    });
  } finally {
    await Promise.all(servers.map((t) => t.child.kill()));
  }
}

/**
 * Throughput is what one load generator gets out of each server; neither process runs its core
 * full here, so it understates what separates them. A core's capacity is 1 s over the server's
 * CPU per call.
 */
function capacityNote(keygate: Figures, base: Figures): string {
  const capacity = (f: Figures) => 1e6 / f.serverCpuUsPerCall!;
  return (
    `server CPU per call: keygate ${us(keygate.serverCpuUsPerCall!)}, no-op grpc-js ${us(base.serverCpuUsPerCall!)}; ` +
    `one core's capacity: keygate ${Math.round(capacity(keygate))} calls/s, grpc-js ${Math.round(capacity(base))} (${(capacity(keygate) / capacity(base)).toFixed(2)}x)`
  );
}

const WRITE_PROTOCOLS = ["grpc", "connect", "grpc-web", "rest"] as const;

async function writeScenarios(keygate: Target, raw: LoadSpec["raw"], writeProjects: string[]): Promise<void> {
  const addApiApp = (protocol: (typeof WRITE_PROTOCOLS)[number], projects: string[], c: number): LoadSpec => ({ kind: "rpc", protocol, op: "addApiApp", url: keygate.url, token: adminToken, projects, concurrency: c, ...window() });
  const rawLoad = (id: string, projects: string[], c: number): Load => ({ id, gen: baselineGen!, spec: { kind: "raw-addApiApp", raw, projects, concurrency: c, ...window() }, target: { pid: baselineGen!.pid } });
  for (const c of CONCURRENCIES) {
    const projects = writeProjects.slice(0, Math.max(1, c));
    // Unmeasured: without it the first row measured here paid for warming every protocol's code.
    for (const protocol of WRITE_PROTOCOLS) {
      await loadGen!.request({ cmd: "run", spec: { ...addApiApp(protocol, projects, c), warmupMs: 0, durationMs: P.warmupMs } }, 120_000);
    }
    const rawId = `raw.addApiApp.c${c}`;
    const figures = await measureInterleaved([
      rawLoad(rawId, projects, c),
      ...WRITE_PROTOCOLS.map((protocol) => ({ id: `write.${protocol}.c${c}`, gen: loadGen!, spec: addApiApp(protocol, projects, c), target: keygate })),
    ]);
    const rawFigures = figures.get(rawId)!;
    add({ id: rawId, group: "raw", name: "raw pg: AddAPIApp's SQL transaction", concurrency: c, figures: rawFigures });
    for (const protocol of WRITE_PROTOCOLS) {
      const id = `write.${protocol}.c${c}`;
      const f = figures.get(id)!;
      const ratio = f.throughput / rawFigures.throughput;
      add({
        id,
        group: "write",
        name: `AddAPIApp ${protocol === "connect" ? "Connect JSON" : protocol === "grpc" ? "gRPC" : protocol === "rest" ? "REST" : "gRPC-Web"}`,
        concurrency: c,
        figures: f,
        baseline: { id: rawId, name: `raw pg c=${c}`, figures: rawFigures },
        ratio: { of: "throughput", value: ratio },
        ...(protocol === "grpc" && c === 8 ? { target: { text: ">= 0.80x raw DB", pass: ratio >= 0.8 }, note: writeBudgetNote(f, rawFigures) } : {}),
      });
    }
  }
  // All writers on one project: they queue on its head row lock, in keygate and in the raw script alike.
  const one = [writeProjects[0]!];
  const onOne = await measureInterleaved([
    rawLoad("raw.addApiApp.one-project.c8", one, 8),
    { id: "write.grpc.one-project.c8", gen: loadGen!, spec: addApiApp("grpc", one, 8), target: keygate },
  ]);
  const rawOne = onOne.get("raw.addApiApp.one-project.c8")!;
  add({ id: "raw.addApiApp.one-project.c8", group: "raw", name: "raw pg: AddAPIApp SQL, one project", concurrency: 8, figures: rawOne });
  const figures = onOne.get("write.grpc.one-project.c8")!;
  add({
    id: "write.grpc.one-project.c8",
    group: "write",
    name: "AddAPIApp gRPC, all on one project",
    concurrency: 8,
    figures,
    baseline: { id: "raw.addApiApp.one-project.c8", name: "raw pg, one project", figures: rawOne },
    ratio: { of: "throughput", value: figures.throughput / rawOne.throughput },
  });
}

/**
 * The same BASIC API app made over v2's ApplicationService and over v1's AddAPIApp, per protocol,
 * interleaved in rounds: v2 finds the org from the project and checks the permission there, then runs
 * v1's command, and must stay within 10% of v1.
 */
async function v2Scenarios(keygate: Target, writeProjects: string[]): Promise<void> {
  const c = 8;
  const projects = writeProjects.slice(0, c);
  const load = (protocol: "grpc" | "connect", op: "addApiApp" | "createApplicationV2"): Load => ({
    id: `${op === "addApiApp" ? "v1" : "v2"}.${protocol}.c${c}`,
    gen: loadGen!,
    spec: { kind: "rpc", protocol, op, url: keygate.url, token: adminToken, projects, concurrency: c, ...window() },
    target: keygate,
  });
  const loads = (["grpc", "connect"] as const).flatMap((protocol) => [load(protocol, "addApiApp"), load(protocol, "createApplicationV2")]);
  for (const l of loads) await loadGen!.request({ cmd: "run", spec: { ...l.spec, warmupMs: 0, durationMs: P.warmupMs } }, 120_000);
  const figures = await measureInterleaved(loads);
  for (const protocol of ["grpc", "connect"] as const) {
    const label = protocol === "grpc" ? "gRPC" : "Connect JSON";
    const v1 = figures.get(`v1.${protocol}.c${c}`)!;
    const v2 = figures.get(`v2.${protocol}.c${c}`)!;
    add({ id: `v2.v1-baseline.${protocol}.c${c}`, group: "v2", name: `AddAPIApp v1 ${label}`, concurrency: c, figures: v1 });
    const ratio = v2.throughput / v1.throughput;
    add({
      id: `v2.createApplication.${protocol}.c${c}`,
      group: "v2",
      name: `CreateApplication v2 ${label}`,
      concurrency: c,
      figures: v2,
      baseline: { id: `v2.v1-baseline.${protocol}.c${c}`, name: `AddAPIApp v1 ${label}`, figures: v1 },
      ratio: { of: "throughput", value: ratio },
      target: { text: ">= 0.90x v1", pass: ratio >= 0.9 },
    });
  }
}

/**
 * keygate as a credential authority (issue 13, item 9): introspection of an opaque and of a JWT
 * access token by a BASIC app at c=8 over HTTP/1.1 keep-alive, against a no-op node:http server
 * answering the same JSON to the same request; client_credentials issuance of JWT access tokens at
 * c=8 against a raw script doing the same database write and RS256 signature. Interleaved in rounds.
 */
async function oauthScenarios(keygate: Target, raw: LoadSpec["raw"]): Promise<void> {
  const c = 8;
  const admin = management(keygate.url);
  const projectId = (await admin.addProject({ name: `bench-oauth-${randomBytes(3).toString("hex")}` })).id;
  const app = await admin.addAPIApp({ projectId, name: "introspector" });
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
  const serviceUser = async (name: string, accessTokenType: number) => {
    const { userId } = await admin.addMachineUser({ userName: `${name}-${randomBytes(3).toString("hex")}`, name, accessTokenType });
    const secret = await admin.generateMachineSecret({ userId });
    return basic(secret.clientId, secret.clientSecret);
  };
  const [bearerUser, jwtUser] = [await serviceUser("bench-bearer", 0), await serviceUser("bench-jwt", 1)];
  const tokenForm = `grant_type=client_credentials&scope=${encodeURIComponent(`openid urn:zitadel:iam:org:project:id:${projectId}:aud`)}`;
  const issue = async (authorization: string) => {
    const res = await fetch(`${keygate.url}/oauth/v2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization }, body: tokenForm });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const appAuth = basic(app.clientId, app.clientSecret);
  const introspectForm = (token: string) => `token=${encodeURIComponent(token)}`;
  const opaque = await issue(bearerUser);
  const jwt = await issue(jwtUser);
  const answer = await (await fetch(`${keygate.url}/oauth/v2/introspect`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: appAuth }, body: introspectForm(opaque) })).text();
  if (!answer.includes('"active":true')) throw new Error(`introspection setup failed: ${answer}`);
  const noop = await startTarget("noop-introspect.ts", [], { BENCH_RESPONSE: answer });
  try {
    const form = (url: string, body: string, authorization: string): LoadSpec => ({ kind: "form", url, form: { body, authorization }, concurrency: c, ...window() });
    const introspect = `${keygate.url}/oauth/v2/introspect`;
    const loads: Load[] = [
      { id: `oauth.noop.c${c}`, gen: loadGen!, spec: form(`${noop.url}/oauth/v2/introspect`, introspectForm(opaque), appAuth), target: noop },
      { id: `oauth.introspect-opaque.c${c}`, gen: loadGen!, spec: form(introspect, introspectForm(opaque), appAuth), target: keygate },
      { id: `oauth.introspect-jwt.c${c}`, gen: loadGen!, spec: form(introspect, introspectForm(jwt), appAuth), target: keygate },
    ];
    for (const l of loads) await loadGen!.request({ cmd: "run", spec: { ...l.spec, warmupMs: 0, durationMs: P.warmupMs } }, 120_000);
    const figures = await measureInterleaved(loads);
    const base = figures.get(`oauth.noop.c${c}`)!;
    add({ id: `oauth.noop.c${c}`, group: "oauth", name: "no-op node:http introspection", concurrency: c, figures: base });
    for (const kind of ["opaque", "jwt"] as const) {
      const f = figures.get(`oauth.introspect-${kind}.c${c}`)!;
      const ratio = f.throughput / base.throughput;
      add({
        id: `oauth.introspect-${kind}.c${c}`,
        group: "oauth",
        name: `introspection, ${kind === "opaque" ? "opaque" : "JWT"} token, BASIC app`,
        concurrency: c,
        figures: f,
        baseline: { id: `oauth.noop.c${c}`, name: "no-op node:http", figures: base },
        ratio: { of: "throughput", value: ratio },
        target: { text: ">= 0.50x no-op, p50 < 2 ms", pass: ratio >= 0.5 && f.p50 < 2 },
      });
    }
  } finally {
    await noop.child.kill();
  }

  const issuance = await measureInterleaved([
    { id: `oauth.raw-issue.c${c}`, gen: baselineGen!, spec: { kind: "raw-issueJwt", raw, concurrency: c, ...window() }, target: { pid: baselineGen!.pid } },
    { id: `oauth.issue.c${c}`, gen: loadGen!, spec: { kind: "form", url: `${keygate.url}/oauth/v2/token`, form: { body: tokenForm, authorization: jwtUser }, concurrency: c, ...window() }, target: keygate },
  ]);
  const rawIssue = issuance.get(`oauth.raw-issue.c${c}`)!;
  add({ id: `oauth.raw-issue.c${c}`, group: "raw", name: "raw pg + RS256: a JWT token's write", concurrency: c, figures: rawIssue });
  const issued = issuance.get(`oauth.issue.c${c}`)!;
  const ratio = issued.throughput / rawIssue.throughput;
  add({
    id: `oauth.issue.c${c}`,
    group: "oauth",
    name: "client_credentials, JWT access token",
    concurrency: c,
    figures: issued,
    baseline: { id: `oauth.raw-issue.c${c}`, name: "raw pg + RS256", figures: rawIssue },
    ratio: { of: "throughput", value: ratio },
    target: { text: ">= 0.60x raw", pass: ratio >= 0.6 },
  });
}

/** How fast GetAppByID could be at concurrency `c` if keygate's own code took no CPU at all. */
function readBudgetNote(keygate: Figures, c: number): string {
  const { server, rest, callsPerSecondWithoutServer } = cpuBudget(keygate);
  return (
    `machine CPU per call: keygate ${us(server)} + gRPC client, Postgres and kernel ${us(rest)}; with keygate at zero CPU the machine ` +
    `would serve at most ${Math.round(callsPerSecondWithoutServer)} calls/s, a mean latency of ${fmt((c / callsPerSecondWithoutServer) * 1000)} ms at c=${c}`
  );
}

/** What AddAPIApp's ratio could reach if keygate's own code took no CPU at all. */
function writeBudgetNote(keygate: Figures, raw: Figures): string {
  const { server, rest } = cpuBudget(keygate);
  return (
    `machine CPU per call: keygate ${us(server)} + gRPC client, Postgres and kernel ${us(rest)} = ${us(keygate.machineUsPerCall)}; ` +
    `raw pg ${us(raw.machineUsPerCall)} all told (no RPC client); with keygate at zero CPU the ratio could reach ${(raw.machineUsPerCall / rest).toFixed(2)}x`
  );
}

async function readScenarios(keygate: Target, raw: LoadSpec["raw"], bigProject: string, bigApps: string[]): Promise<void> {
  const apps: [string, string][] = Array.from({ length: 2000 }, () => [bigProject, bigApps[Math.floor(Math.random() * bigApps.length)]!]);
  const c = READ_CONCURRENCY;
  const gets = await measureInterleaved([
    { id: "raw.getApp", gen: baselineGen!, spec: { kind: "raw-getApp", raw, apps, concurrency: c, ...window() }, target: { pid: baselineGen!.pid } },
    { id: "read.getApp", gen: loadGen!, spec: { kind: "rpc", protocol: "grpc", op: "getApp", url: keygate.url, token: adminToken, apps, concurrency: c, ...window() }, target: keygate },
  ]);
  const rawGet = gets.get("raw.getApp")!;
  add({ id: "raw.getApp", group: "raw", name: "raw pg: GetAppByID's query", concurrency: c, figures: rawGet });
  const get = gets.get("read.getApp")!;
  add({
    id: "read.getApp",
    group: "read",
    name: `GetAppByID gRPC (project of ${bigApps.length / 1000}k apps)`,
    concurrency: c,
    figures: get,
    baseline: { id: "raw.getApp", name: `raw pg c=${c}`, figures: rawGet },
    ratio: { of: "throughput", value: get.throughput / rawGet.throughput },
    target: { text: "p50 < 2 ms", pass: get.p50 < 2 },
    note: readBudgetNote(get, c),
  });
  const lists = await measureInterleaved([
    { id: "raw.listApps", gen: baselineGen!, spec: { kind: "raw-listApps", raw, projects: [bigProject], concurrency: 1, ...window() }, target: { pid: baselineGen!.pid } },
    { id: "read.listApps", gen: loadGen!, spec: { kind: "rpc", protocol: "grpc", op: "listApps", url: keygate.url, token: adminToken, projects: [bigProject], concurrency: 1, ...window() }, target: keygate },
  ]);
  const rawList = lists.get("raw.listApps")!;
  add({ id: "raw.listApps", group: "raw", name: "raw pg: ListApps' totals + page", concurrency: 1, figures: rawList });
  const list = lists.get("read.listApps")!;
  add({
    id: "read.listApps",
    group: "read",
    name: `ListApps page of 100 gRPC (${bigApps.length / 1000}k apps)`,
    concurrency: 1,
    figures: list,
    baseline: { id: "raw.listApps", name: "raw pg c=1", figures: rawList },
    ratio: { of: "p50", value: list.p50 / rawList.p50 },
    target: { text: "p50 < 10 ms", pass: list.p50 < 10 },
  });
}

/** AddAPIApp at c=1 on projects of each size, interleaved in rounds so drift hits all sizes alike. */
function scaleRounds(keygate: Target, sets: { id: string; projects: string[] }[]): Promise<Map<string, Figures>> {
  const spec = (projects: string[]): LoadSpec => ({ kind: "rpc", protocol: "grpc", op: "addApiApp", url: keygate.url, token: adminToken, projects, rotate: true, concurrency: 1, warmupMs: P.roundWarmupMs, durationMs: P.scaleRoundMs * P.scaleRounds });
  return measureInterleaved(sets.map((set) => ({ id: set.id, gen: loadGen!, spec: spec(set.projects), target: keygate })), P.scaleRounds);
}

async function keyScenarios(keygate: Target, admin: Management, bigProject: string, bigApps: string[]): Promise<void> {
  const project = await admin.addProject({ name: `bench-keys-${randomBytes(3).toString("hex")}` });
  const apps = await inBatches(KEY_CONCURRENCY, KEY_CONCURRENCY, async (i) => {
    const app = await admin.addAPIApp({ projectId: project.id, name: `jwt-${i}`, authMethodType: 1 });
    return [project.id, app.appId] as [string, string];
  });
  const keygen = await measureInterleaved([
    { id: "raw.keygen", gen: baselineGen!, spec: { kind: "raw-keygen", concurrency: KEY_CONCURRENCY, ...window({ durationMs: P.keysMs }) }, target: { pid: baselineGen!.pid } },
    { id: "keys.addAppKey", gen: loadGen!, spec: { kind: "rpc", protocol: "grpc", op: "addAppKey", url: keygate.url, token: adminToken, apps, concurrency: KEY_CONCURRENCY, ...window({ durationMs: P.keysMs }) }, target: keygate },
  ]);
  const rawKeys = keygen.get("raw.keygen")!;
  add({ id: "raw.keygen", group: "raw", name: "raw node:crypto RSA-2048 generateKeyPair", concurrency: KEY_CONCURRENCY, figures: rawKeys });
  const keys = keygen.get("keys.addAppKey")!;
  add({
    id: "keys.addAppKey",
    group: "keys",
    name: "AddAppKey gRPC (RSA-2048)",
    concurrency: KEY_CONCURRENCY,
    figures: keys,
    baseline: { id: "raw.keygen", name: "raw keygen, same core", figures: rawKeys },
    ratio: { of: "throughput", value: keys.throughput / rawKeys.throughput },
  });

  const reads: [string, string][] = Array.from({ length: 2000 }, () => [bigProject, bigApps[Math.floor(Math.random() * bigApps.length)]!]);
  const getSpec: LoadSpec = { kind: "rpc", protocol: "grpc", op: "getApp", url: keygate.url, token: adminToken, apps: reads, concurrency: READ_CONCURRENCY, ...window({ durationMs: P.keysMs }) };
  const alone = await measure(loadGen!, getSpec, keygate, "keys.getApp-alone");
  add({ id: "keys.getApp-alone", group: "keys", name: "GetAppByID gRPC, no key generation", concurrency: READ_CONCURRENCY, figures: alone });
  // Key generation starts first and runs past the end of the GetAppByID window.
  const background = loadGen2!.request(
    { cmd: "run", spec: { kind: "rpc", protocol: "grpc", op: "addAppKey", url: keygate.url, token: adminToken, apps, concurrency: KEY_CONCURRENCY, warmupMs: 0, durationMs: getSpec.warmupMs + getSpec.durationMs + 1500 } },
    600_000,
  ) as Promise<LoadResult>;
  await new Promise((r) => setTimeout(r, 500));
  const during = await measure(loadGen!, getSpec, keygate, "keys.getApp-during-keys");
  const bg = await background;
  const ratio = during.p99 / alone.p99;
  add({
    id: "keys.getApp-during-keys",
    group: "keys",
    name: `GetAppByID gRPC during AddAppKey c=${KEY_CONCURRENCY}`,
    concurrency: READ_CONCURRENCY,
    figures: during,
    baseline: { id: "keys.getApp-alone", name: "GetAppByID without keygen", figures: alone },
    ratio: { of: "p99", value: ratio },
    target: { text: "p99 <= 2x without", pass: ratio <= 2 },
    note: `${bg.completed} keys generated meanwhile (${round(bg.completed / (bg.windowMs / 1000), 1)}/s), ${bg.errors} errors`,
  });
}

// ---------------------------------------------------------------------------------------------
// Embedded database: process start to ready, RSS

interface Started {
  proc: ReturnType<typeof spawn>;
  readyMs: number;
  url: string;
  exited: Promise<void>;
}

/**
 * Where the embedded rows run keygate from: `built` is the output of scripts/build-server.ts (what
 * `npm start` and the Docker image run: node dist/main.js), `tsx` is src/main.ts under tsx (development).
 */
type Entry = { built: string } | "tsx";

function startEmbedded(dataDir: string, entry: Entry, env: Record<string, string> = {}): Promise<Started> {
  const t0 = performance.now();
  const cmd = pins.server ? "taskset" : process.execPath;
  const main = entry === "tsx" ? ["--import", "tsx", join(ROOT_DIR, "src/main.ts")] : [join(entry.built, "main.js")];
  const args = [...(pins.server ? ["-c", pins.server, process.execPath] : []), ...main];
  const proc = spawn(cmd, args, {
    cwd: ROOT_DIR,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: "", KEYGATE_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", KEYGATE_ADMIN_TOKEN: adminToken, KEYGATE_LOG_LEVEL: "info", ...env },
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  let stderr = "";
  proc.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`embedded keygate not ready after 120 s: ${stderr}`)), 120_000);
    proc.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.includes("keygate is listening")) {
          const readyMs = performance.now() - t0;
          clearTimeout(timer);
          const port = JSON.parse(line).port as number;
          resolve({ proc, readyMs, url: `http://127.0.0.1:${port}`, exited });
        }
      }
    });
    proc.once("exit", (code) => reject(new Error(`embedded keygate exited (${code}) before ready: ${stderr}`)));
  });
}

async function stopEmbedded(s: Started): Promise<void> {
  s.proc.kill("SIGTERM");
  await s.exited;
}

/**
 * `npm run build:server` into a temporary directory (dist/ may be in use), laid out like dist/: the
 * console beside main.js, package.json (ES modules) and node_modules (PGlite, argon2) above it.
 */
async function buildServer(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), "keygate-bench-dist-"));
  await new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, ["--import", "tsx", join(ROOT_DIR, "scripts/build-server.ts"), join(out, "main.js")], { cwd: ROOT_DIR, stdio: ["ignore", "ignore", "inherit"] });
    build.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build-server exited ${code}`))));
  });
  await symlink(join(ROOT_DIR, "node_modules"), join(out, "node_modules"));
  await symlink(join(ROOT_DIR, "dist/console"), join(out, "console"));
  await copyFile(join(ROOT_DIR, "package.json"), join(out, "package.json"));
  return out;
}

/** `count` starts on the same data dir, one after another: ready time and RSS idle 1 s after ready. */
async function restarts(dataDir: string, entry: Entry, count: number): Promise<{ readyMs: number[]; rss: number[] }> {
  const readyMs: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = await startEmbedded(dataDir, entry);
    readyMs.push(started.readyMs);
    await new Promise((r) => setTimeout(r, 1000));
    rss.push(rssMiB(started.proc.pid!));
    await stopEmbedded(started);
  }
  return { readyMs, rss };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (values: number[]) => values.map((m) => (m / 1000).toFixed(2)).join(", ");

async function embeddedScenarios(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "keygate-bench-embedded-"));
  const built = { built: await buildServer() };
  try {
    const first = await startEmbedded(dataDir, built);
    let idle = NaN;
    let peak = NaN;
    let load: Figures | undefined;
    try {
      await new Promise((r) => setTimeout(r, 1000));
      idle = rssMiB(first.proc.pid!);
      const admin = management(first.url);
      const projects = await inBatches(8, 8, async (i) => (await admin.addProject({ name: `embedded-${i}` })).id);
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(rssMiB(first.proc.pid!)), 100);
      try {
        load = await measure(loadGen!, { kind: "rpc", protocol: "grpc", op: "addApiApp", url: first.url, token: adminToken, projects, concurrency: 8, ...window() }, { pid: first.proc.pid! }, "embedded.load");
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(...samples);
    } finally {
      await stopEmbedded(first);
    }
    const again = await restarts(dataDir, built, P.restarts);
    const restart = median(again.readyMs);
    const dev = QUICK ? undefined : await restarts(dataDir, "tsx", P.restarts);
    add({ id: "embedded.first-start", group: "embedded", name: "embedded: spawn to ready, first start", value: { label: "ready", amount: first.readyMs / 1000, unit: "s" }, note: "node dist/main.js (npm start); fresh data dir: PGlite initdb + migrations + bootstrap" });
    add({
      id: "embedded.restart",
      group: "embedded",
      name: `embedded: spawn to ready, restart (median of ${again.readyMs.length})`,
      value: { label: "ready", amount: restart / 1000, unit: "s" },
      baseline: { id: "embedded.first-start", name: "first start", value: { label: "ready", amount: first.readyMs / 1000, unit: "s" } },
      ratio: { of: "value", value: restart / first.readyMs },
      target: { text: "restart ready < 2 s", pass: restart < 2000 },
      note: `node dist/main.js, as npm start and the Docker image run it; all restarts: ${seconds(again.readyMs)} s`,
    });
    if (dev) {
      add({
        id: "embedded.restart-tsx",
        group: "embedded",
        name: `embedded: restart under tsx (median of ${dev.readyMs.length})`,
        value: { label: "ready", amount: median(dev.readyMs) / 1000, unit: "s" },
        baseline: { id: "embedded.restart", name: "restart of the build", value: { label: "ready", amount: restart / 1000, unit: "s" } },
        ratio: { of: "value", value: median(dev.readyMs) / restart },
        note: `node --import tsx src/main.ts (development); all: ${seconds(dev.readyMs)} s`,
      });
    }
    add({ id: "embedded.rss-idle", group: "embedded", name: "embedded: RSS idle after first start", value: { label: "rss", amount: idle, unit: "MiB" }, note: "includes what initdb left behind" });
    add({
      id: "embedded.rss-load",
      group: "embedded",
      name: "embedded: peak RSS, AddAPIApp gRPC c=8",
      value: { label: "rss", amount: peak, unit: "MiB" },
      baseline: { id: "embedded.rss-idle", name: "idle", value: { label: "rss", amount: idle, unit: "MiB" } },
      ratio: { of: "value", value: peak / idle },
      ...(load ? { note: `under load: ${round(load.throughput, 0)} calls/s, p50 ${round(load.p50)} ms, p99 ${round(load.p99)} ms` } : {}),
    });
    add({ id: "embedded.rss-restart", group: "embedded", name: `embedded: RSS idle after restart (median of ${again.rss.length})`, value: { label: "rss", amount: median(again.rss), unit: "MiB" } });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(built.built, { recursive: true, force: true });
  }
}

/**
 * The price of the embedded database's durability: AddAPIApp with each commit flushed to disk
 * (KEYGATE_EMBEDDED_FSYNC=true, the default) against the same without (false), interleaved, each
 * keygate under tsx on a data dir of its own.
 */
async function fsyncScenarios(): Promise<void> {
  const dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), "keygate-bench-fsync-"))));
  const started: Started[] = [];
  try {
    const [durable, fast] = await Promise.all([
      startEmbedded(dirs[0]!, "tsx", { KEYGATE_EMBEDDED_FSYNC: "true" }),
      startEmbedded(dirs[1]!, "tsx", { KEYGATE_EMBEDDED_FSYNC: "false" }),
    ]);
    started.push(durable, fast);
    const loadOf = async (id: string, s: Started): Promise<Load> => {
      const admin = management(s.url);
      const projects = await inBatches(8, 8, async (i) => (await admin.addProject({ name: `fsync-${i}` })).id);
      return { id, gen: loadGen!, spec: { kind: "rpc", protocol: "grpc", op: "addApiApp", url: s.url, token: adminToken, projects, concurrency: 8, ...window() }, target: { pid: s.proc.pid! } };
    };
    const figures = await measureInterleaved([await loadOf("embedded.fsync-on", durable), await loadOf("embedded.fsync-off", fast)]);
    const on = figures.get("embedded.fsync-on")!;
    const off = figures.get("embedded.fsync-off")!;
    add({
      id: "embedded.fsync-on",
      group: "embedded",
      name: "embedded: AddAPIApp gRPC c=8, fsync on (default)",
      concurrency: 8,
      figures: on,
      baseline: { id: "embedded.fsync-off", name: "KEYGATE_EMBEDDED_FSYNC=false", figures: off },
      ratio: { of: "throughput", value: on.throughput / off.throughput },
      note: "each commit flushed to disk before it is acknowledged (see README, Reliability); tsx, interleaved",
    });
  } finally {
    await Promise.all(started.map(stopEmbedded));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const started = new Date();
  await mkdir(resultsDir, { recursive: true });
  console.log(`keygate bench (${QUICK ? "quick" : "full"}), ${cpus().length} x ${cpus()[0]?.model ?? "?"}, Node ${process.version}`);
  console.log(`pinning: ${pins.description}`);
  const load0 = loadavg();
  console.log(`load average at start: ${load0.map((l) => l.toFixed(2)).join(" ")}${load0[0]! > 1.5 ? "  (WARNING: other work is running; figures will be noisy)" : ""}`);
  console.log(`windows: warm-up ${P.warmupMs} ms, measured ${P.durationMs} ms; closed-loop clients; latencies of calls completed inside the window`);

  await adminQuery(`CREATE DATABASE ${dbName}`);
  let keygate: (Target & { instanceId: string; adminUserId: string }) | undefined;
  const dataDir = await mkdtemp(join(tmpdir(), "keygate-bench-"));
  try {
    keygate = (await startTarget("server.ts", [], {
      BENCH_DATABASE_URL: dbUrl,
      BENCH_ADMIN_TOKEN: adminToken,
      BENCH_POOL_SIZE: String(POOL_SIZE),
      BENCH_DATA_DIR: dataDir,
    })) as Target & { instanceId: string; adminUserId: string };
    [loadGen, loadGen2, baselineGen] = await Promise.all([startLoadGen(pins.load), startLoadGen(pins.load), startLoadGen(pins.server)]);
    const admin = management(keygate.url);
    const orgId = (await admin.getMyOrg({})).org!.id;
    const scope: SeedScope = { instanceId: keygate.instanceId, orgId, userId: keygate.adminUserId };
    const raw = { databaseUrl: dbUrl, poolSize: POOL_SIZE, ...scope };
    console.log(`keygate ${keygate.url} (pid ${keygate.pid}) on database ${dbName}, pool ${POOL_SIZE}\n`);
    console.log(header());

    if (want("transport")) await transportScenarios(keygate);
    if (want("oauth")) await oauthScenarios(keygate, raw);

    if (want("write") || want("v2")) {
      const writeProjects = await inBatches(64, 16, async (i) => (await admin.addProject({ name: `bench-write-${i}` })).id);
      if (want("write")) await writeScenarios(keygate, raw, writeProjects);
      if (want("v2")) await v2Scenarios(keygate, writeProjects);
    }

    const needSeed = want("read") || want("scale") || want("keys");
    if (needSeed) {
      const db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      try {
        const t0 = performance.now();
        const newProject = async (name: string) => (await admin.addProject({ name })).id;
        console.log(`  seeding ${SMALL_PROJECTS} x 10, ${MID_PROJECTS} x ${P.midApps} and 1 x ${P.bigApps} apps by SQL ...`);
        const small = await inBatches(SMALL_PROJECTS, 20, (i) => newProject(`bench-small-${i}`));
        for (const p of small) await seedApps(db, scope, p, 10);
        const mid = await inBatches(MID_PROJECTS, MID_PROJECTS, (i) => newProject(`bench-mid-${i}`));
        for (const p of mid) await seedApps(db, scope, p, P.midApps);
        const big = await newProject("bench-big");
        const bigApps = await seedApps(db, scope, big, P.bigApps);
        await vacuumAnalyze(db);
        const events = Number((await db.query("select count(*) as n from events2")).rows[0].n);
        console.log(
          `  seeded by SQL in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${SMALL_PROJECTS} projects x 10 apps, ${MID_PROJECTS} x ${P.midApps}, 1 x ${P.bigApps}; events2 now ${events} rows`,
        );

        if (want("read")) await readScenarios(keygate, raw, big, bigApps);

        if (want("scale")) {
          const scaled = await scaleRounds(keygate, [
            { id: "small", projects: small },
            { id: "mid", projects: mid },
            { id: "big", projects: [big] },
          ]);
          const base = scaled.get("small")!;
          const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
          add({ id: "scale.10", group: "scale", name: "AddAPIApp gRPC, project of 10 apps", concurrency: 1, figures: base, note: `${SMALL_PROJECTS} projects of 10 apps, rotated` });
          for (const [id, n] of [["mid", P.midApps], ["big", P.bigApps]] as const) {
            const f = scaled.get(id)!;
            const ratio = f.p50 / base.p50;
            add({
              id: `scale.${label(n)}`,
              group: "scale",
              name: `AddAPIApp gRPC, project of ${label(n)} apps`,
              concurrency: 1,
              figures: f,
              baseline: { id: "scale.10", name: "project of 10 apps", figures: base },
              ratio: { of: "p50", value: ratio },
              ...(id === "big" ? { target: { text: "p50 <= 1.2x 10 apps", pass: ratio <= 1.2 } } : {}),
            });
          }
          const t1 = performance.now();
          console.log(`  topping events2 up to ${P.events} rows ...`);
          const total = await seedEventsTo(db, scope, P.events);
          await vacuumAnalyze(db);
          console.log(`  events2 topped up to ${total} rows by generate_series in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
          const after = (await scaleRounds(keygate, [{ id: "small", projects: small }])).get("small")!;
          add({
            id: "scale.events",
            group: "scale",
            name: `AddAPIApp gRPC, 10 apps, events2 ${label(total)} rows`,
            concurrency: 1,
            figures: after,
            baseline: { id: "scale.10", name: `10 apps, events2 ${label(events)}`, figures: base },
            ratio: { of: "p50", value: after.p50 / base.p50 },
          });
        }

        if (want("keys")) await keyScenarios(keygate, admin, big, bigApps);
      } finally {
        await db.end();
      }
    }

    await Promise.all([loadGen2?.kill(), baselineGen?.kill()]);
    loadGen2 = baselineGen = undefined;
    await keygate.child.request({ cmd: "close" }).catch(() => {});
    await keygate.child.kill();
    keygate = undefined;

    if (want("embedded")) await embeddedScenarios();
    if (want("fsync")) await fsyncScenarios();
  } finally {
    await Promise.all([loadGen?.kill(), loadGen2?.kill(), baselineGen?.kill(), keygate?.child.kill()]);
    if (KEEP_DB) console.log(`kept database ${dbUrl}`);
    else await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.error(`could not drop ${dbName}:`, e));
    await rm(dataDir, { recursive: true, force: true });
  }

  const targets = rows.filter((r) => r.target);
  console.log(`\nTargets (issue 5):`);
  for (const r of targets) {
    const main = r.value ? `${fmt(r.value.amount)} ${r.value.unit}` : r.ratio ? `${r.ratio.value.toFixed(2)}x ${r.ratio.of}` : "";
    const p50 = r.figures ? `, p50 ${fmt(r.figures.p50)} ms` : "";
    console.log(`  ${r.target!.pass ? "PASS" : "FAIL"}  ${pad(r.name, 46)} ${r.target!.text}: ${main}${p50}`);
  }
  for (const r of rows.filter((r) => r.note)) console.log(`  note ${r.id}: ${r.note}`);

  const file = join(resultsDir, `${stamp}.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        mode: QUICK ? "quick" : "full",
        command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageAtStart: load0, loadAverageAtEnd: loadavg() },
        pinning: pins,
        parameters: { ...P, concurrencies: CONCURRENCIES, transportConcurrency: TRANSPORT_CONCURRENCY, readConcurrency: READ_CONCURRENCY, keyConcurrency: KEY_CONCURRENCY, poolSize: POOL_SIZE },
        rows: rows.map((r) => ({ ...r, figures: r.figures && roundFigures(r.figures), baseline: r.baseline && { ...r.baseline, figures: r.baseline.figures && roundFigures(r.baseline.figures) } })),
        targets: targets.map((r) => ({ id: r.id, target: r.target!.text, pass: r.target!.pass, ratio: r.ratio?.value, p50: r.figures?.p50, value: r.value?.amount })),
      },
      null,
      2,
    ),
  );
  console.log(`\nresults: ${file}`);
  if (targets.some((t) => !t.target!.pass)) process.exitCode = 0; // failing targets are findings, not harness errors
}

function roundFigures(f: Figures): Figures {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, typeof v === "number" ? round(v, 3) : v])) as unknown as Figures;
}

process.once("SIGINT", () => {
  console.error("interrupted; cleaning up");
  Promise.all([loadGen?.kill(), loadGen2?.kill(), baselineGen?.kill()])
    .then(() => adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`))
    .finally(() => process.exit(130));
});

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
