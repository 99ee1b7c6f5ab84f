/**
 * No Docker engine runs where keygate is built, so docker-compose.yml and the Dockerfile are checked by
 * reading them: every variable the compose file gives keygate is a real setting and a valid one, the
 * ports agree, keygate reaches the postgres service with the credentials that service defines, and the
 * image is multi-stage, non-root and starts dist/main.js, the server build.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { loadConfig, SETTINGS } from "../../src/config.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

const settingNames = new Set<string>(SETTINGS.map((s) => s.env));
const defaultOf = (env: string) => SETTINGS.find((s) => s.env === env)?.default;

// ---- docker-compose.yml ---------------------------------------------------------------------------

type Service = Record<string, unknown> & { image?: string; environment?: unknown; ports?: unknown; depends_on?: unknown };

/**
 * Compose's interpolation with an empty shell environment, as on a fresh machine: `${X:-d}` and `${X-d}`
 * give their default, `${X}` gives "", `$$` is a dollar. `${X:?msg}` / `${X?msg}` must come from the
 * user: they give `undefined` and their names are collected in `required`.
 */
function interpolate(value: string, required: string[]): string | undefined {
  let missing = false;
  const out = value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name, op, arg, bare) => {
    if (match === "$$") return "$";
    if (bare !== undefined) return "";
    if (op === ":-" || op === "-") return arg;
    if (op === ":?" || op === "?") {
      required.push(name);
      missing = true;
    }
    return "";
  });
  return missing ? undefined : out;
}

/** A service's environment in either of compose's forms (map, or list of KEY=value). */
function environmentOf(service: Service): Map<string, string | null> {
  const env = service.environment;
  if (env === undefined || env === null) return new Map();
  if (Array.isArray(env)) {
    return new Map(env.map((entry: string) => (entry.includes("=") ? [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)] : [entry, null])));
  }
  return new Map(Object.entries(env as Record<string, unknown>).map(([k, v]) => [k, v === null ? null : String(v)]));
}

/** A port mapping in compose's short ("[ip:]published:target[/proto]") or long syntax. */
function parsePort(port: unknown): { published: string | undefined; target: number } {
  if (typeof port === "object" && port !== null) {
    const p = port as { target: number | string; published?: number | string };
    return { published: p.published === undefined ? undefined : String(p.published), target: Number(p.target) };
  }
  const parts = String(port).replace(/\/(tcp|udp)$/, "").split(":");
  const target = Number(parts.at(-1));
  return { published: parts.length >= 2 ? parts.at(-2) : undefined, target };
}

/** A compose duration ("1m30s", "500ms", "10s"); compose's default grace period is 10 s. */
function composeDurationMs(value: unknown): number {
  if (value === undefined) return 10_000;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...String(value).matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.map((p) => p[0]).join("") !== String(value)) throw new Error(`not a compose duration: ${String(value)}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service> };
const services = compose.services;
const postgresName = Object.keys(services).find((name) => /^postgres(:|@|$)/.test(services[name].image ?? ""));
const postgres = postgresName === undefined ? undefined : services[postgresName];
const keygate = services.keygate;
const keygateEnv = keygate === undefined ? new Map<string, string | null>() : environmentOf(keygate);
const requiredFromUser: string[] = [];
const resolvedEnv = Object.fromEntries(
  [...keygateEnv].map(([k, v]) => [k, v === null ? undefined : interpolate(v, requiredFromUser)]).filter(([, v]) => v !== undefined),
) as Record<string, string>;

describe("docker-compose.yml", () => {
  test("has a keygate service built from the Dockerfile and a postgres service", () => {
    expect(keygate).toBeDefined();
    const build = keygate.build as string | { context?: string; dockerfile?: string };
    const context = typeof build === "string" ? build : build?.context;
    expect(context === "." || context === "./").toBe(true);
    expect(typeof build === "string" || build.dockerfile === undefined || build.dockerfile === "Dockerfile").toBe(true);
    expect(postgresName).toBeDefined();
  });

  test("every variable keygate is given is one of keygate's settings", () => {
    expect(keygate.env_file).toBeUndefined(); // variables from a file could not be checked here
    expect(keygateEnv.size).toBeGreaterThan(0);
    const unknown = [...keygateEnv.keys()].filter((name) => !settingNames.has(name));
    expect(unknown).toEqual([]);
  });

  test("keygate is wired by DATABASE_URL and KEYGATE_ADMIN_TOKEN, and the token is not in the file", () => {
    expect(keygateEnv.has("DATABASE_URL")).toBe(true);
    expect(keygateEnv.has("KEYGATE_ADMIN_TOKEN")).toBe(true);
    // ${KEYGATE_ADMIN_TOKEN:?...}: compose refuses to start without one, so no well-known token exists;
    // likewise the master key, which a Postgres-backed keygate needs.
    expect(requiredFromUser).toEqual(["KEYGATE_ADMIN_TOKEN", "KEYGATE_MASTERKEY"]);
  });

  test("the values, with compose's defaults, pass keygate's own validation", () => {
    // Variables the user must supply (${X:?...}) are left to loadConfig's default handling.
    expect(() => loadConfig(resolvedEnv)).not.toThrow();
  });

  test("the published container port is the port keygate listens on", () => {
    const port = Number(resolvedEnv.PORT ?? defaultOf("PORT"));
    const ports = ((keygate.ports ?? []) as unknown[]).map(parsePort);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) {
      expect(p.target).toBe(port);
      expect(p.published).toBeDefined();
    }
  });

  test("DATABASE_URL points at the postgres service with the user, password and database it defines", () => {
    const url = new URL(resolvedEnv.DATABASE_URL);
    const pgEnv = environmentOf(postgres as Service);
    const user = pgEnv.get("POSTGRES_USER") ?? "postgres";
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    expect(url.hostname).toBe(postgresName);
    expect(url.port === "" || url.port === "5432").toBe(true);
    expect(decodeURIComponent(url.username)).toBe(user);
    expect(decodeURIComponent(url.password)).toBe(pgEnv.get("POSTGRES_PASSWORD"));
    expect(url.pathname).toBe(`/${pgEnv.get("POSTGRES_DB") ?? user}`);
  });

  test("the postgres image is pinned to a PostgreSQL 15 release, not a moving tag", () => {
    const image = postgres?.image ?? "";
    const tag = image.split("@")[0].split(":")[1] ?? "";
    expect(image.includes("@sha256:") || /^15\.\d+/.test(tag)).toBe(true);
    expect(image).not.toMatch(/:latest$/);
  });

  test("postgres has a pg_isready healthcheck and a volume for its data", () => {
    const healthcheck = postgres?.healthcheck as { test: string | string[] } | undefined;
    expect(healthcheck).toBeDefined();
    expect([healthcheck?.test].flat().join(" ")).toContain("pg_isready");
    const volumes = ((postgres?.volumes ?? []) as unknown[]).map((v) => (typeof v === "string" ? v.split(":")[1] : (v as { target: string }).target));
    expect(volumes).toContain("/var/lib/postgresql/data");
  });

  test("keygate starts only once postgres is healthy", () => {
    const dependsOn = keygate.depends_on as Record<string, { condition?: string }> | string[] | undefined;
    expect(Array.isArray(dependsOn)).toBe(false); // the list form cannot wait for health
    expect((dependsOn as Record<string, { condition?: string }>)[postgresName as string]?.condition).toBe("service_healthy");
  });

  test("the stop grace period outlasts the shutdown delay plus the drain, so compose never kills a draining keygate", () => {
    const setting = (env: string) => Number(resolvedEnv[env] ?? dockerfileEnv().get(env) ?? defaultOf(env));
    const neededMs = setting("KEYGATE_SHUTDOWN_DELAY_MS") + setting("KEYGATE_SHUTDOWN_TIMEOUT_MS");
    expect(setting("KEYGATE_SHUTDOWN_DELAY_MS")).toBeGreaterThan(0);
    expect(composeDurationMs(keygate.stop_grace_period)).toBeGreaterThan(neededMs);
  });

  test("keygate's data directory is a volume", () => {
    const dataDir = resolvedEnv.KEYGATE_DATA_DIR ?? dockerfileEnv().get("KEYGATE_DATA_DIR");
    const targets = ((keygate.volumes ?? []) as unknown[]).map((v) => (typeof v === "string" ? v.split(":")[1] : (v as { target: string }).target));
    expect(targets).toContain(dataDir);
  });
});

// ---- Dockerfile -----------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped; each stage starts at a FROM. */
function parseDockerfile(text: string): Instruction[][] {
  const joined = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  const stages: Instruction[][] = [[]];
  for (const line of joined.split("\n")) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const instruction = { keyword: match[1].toUpperCase(), args: match[2].trim() };
    if (instruction.keyword === "FROM") stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const dockerfile = parseDockerfile(read("Dockerfile"));
const globalArgs = new Map(
  dockerfile[0].filter((i) => i.keyword === "ARG").map((i) => [i.args.split("=")[0], i.args.split("=").slice(1).join("=")] as const),
);
const stages = dockerfile.slice(1);
const finalStage = stages.at(-1) ?? [];
const resolveArgs = (s: string) => s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => globalArgs.get(name) ?? "");
const jsonOrShell = (args: string): string[] => (args.startsWith("[") ? (JSON.parse(args) as string[]) : ["/bin/sh", "-c", args]);
const last = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).at(-1);

/** ENV of the final stage, in either form (`ENV A=1 B=2` or `ENV A 1`). */
function dockerfileEnv(): Map<string, string> {
  const env = new Map<string, string>();
  for (const { args } of finalStage.filter((i) => i.keyword === "ENV")) {
    if (!args.includes("=")) {
      const [name, ...rest] = args.split(/\s+/);
      env.set(name, rest.join(" "));
      continue;
    }
    for (const [, name, value] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env.set(name, value.replace(/^"|"$/g, ""));
  }
  return env;
}

describe("Dockerfile", () => {
  test("is multi-stage: the final stage copies its build from an earlier stage", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(finalStage.some((i) => i.keyword === "COPY" && /--from=\S+/.test(i.args) && i.args.includes("dist"))).toBe(true);
  });

  test("every stage's base image is pinned to a Node 24 (LTS) release on Debian bookworm, which engines admits", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    const lockEngines = (JSON.parse(read("package-lock.json")) as { packages: Record<string, { engines?: { node: string } }> }).packages[""]!.engines?.node;
    expect(lockEngines).toBe(engines);
    const lowest = Number(/^>=\s*(\d+)(\.\d+)*$/.exec(engines)?.[1]);
    for (const stage of stages) {
      const image = resolveArgs(stage[0].args.split(/\s+/).find((word) => !word.startsWith("--")) ?? "");
      const earlierStage = stages.some((s) => / AS /i.test(s[0].args) && s[0].args.split(/\s+/).at(-1) === image);
      if (earlierStage) continue;
      expect(image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
      expect(lowest).toBeLessThanOrEqual(24);
    }
  });

  test("builds with npm ci and npm run build, and drops the dev dependencies", () => {
    const run = stages.flat().filter((i) => i.keyword === "RUN").map((i) => i.args).join("\n");
    expect(run).toMatch(/npm ci\b/);
    expect(run).toMatch(/npm run build\b/);
    expect(run).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.build).toMatch(/npm run build:server\b/);
    expect(scripts.build).toMatch(/npm run build:console\b/);
  });

  test("the build stage gets every input of npm run build, and the context leaves out local state", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim().replace(/^\/|\/$/g, ""))
      .filter((line) => line !== "" && !line.startsWith("#"));
    const buildInputs = ["package.json", "package-lock.json", "tsconfig.json", "src", "console", "scripts"];
    expect(buildInputs.filter((input) => ignored.includes(input))).toEqual([]);
    expect(["node_modules", "dist", ".git", ".keygate"].filter((local) => !ignored.includes(local))).toEqual([]);
    const copies = stages[0].filter((i) => i.keyword === "COPY").map((i) => i.args.split(/\s+/).slice(0, -1));
    const copied = new Set(copies.flat().map((path) => path.replace(/^\.\/|\/$/g, "")));
    expect(copied.has(".") || buildInputs.every((input) => copied.has(input))).toBe(true);
  });

  test("the final stage runs as a non-root user", () => {
    const user = last(finalStage, "USER")?.args.split(":")[0];
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
  });

  test("EXPOSE is the default PORT, and the image does not set another", () => {
    const port = defaultOf("PORT");
    expect(finalStage.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.args.split(/\s+/).map((p) => p.replace(/\/tcp$/, "")))).toEqual([port]);
    expect(dockerfileEnv().get("PORT") ?? port).toBe(port);
  });

  test("every ENV meant for keygate is one of its settings, with a valid value", () => {
    const env = Object.fromEntries([...dockerfileEnv()].filter(([name]) => name !== "NODE_ENV"));
    expect(Object.keys(env).filter((name) => !settingNames.has(name))).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });

  test("CMD runs dist/main.js, which npm run build:server bundles from src/main.ts, as npm start does", () => {
    // With source maps, so that logged stacks point at src/.
    expect(jsonOrShell(last(finalStage, "CMD")?.args ?? "[]")).toEqual(["node", "--enable-source-maps", "dist/main.js"]);
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["build:server"]).toBe("tsx scripts/build-server.ts");
    const buildScript = read("scripts/build-server.ts");
    expect(buildScript).toContain(`"../src/main.ts"`);
    expect(buildScript).toContain(`"../dist/main.js"`);
    expect(scripts.start).toBe("node --enable-source-maps dist/main.js");
    expect(scripts.prestart).toBe("npm run build");
  });

  test("HEALTHCHECK asks /healthz on the port keygate listens on", () => {
    const healthcheck = last(finalStage, "HEALTHCHECK")?.args ?? "";
    expect(healthcheck).toContain("/healthz");
    expect(healthcheck).toMatch(/127\.0\.0\.1:(8080|' \+ \(process\.env\.PORT \|\| 8080\))/);
  });

  test("the final stage keeps its data in a volume owned by the service's user", () => {
    const dataDir = dockerfileEnv().get("KEYGATE_DATA_DIR");
    expect(dataDir).toBeDefined();
    expect(last(finalStage, "VOLUME")?.args).toContain(dataDir);
    const user = last(finalStage, "USER")?.args;
    expect(finalStage.some((i) => i.keyword === "RUN" && i.args.includes(`chown ${user}`) && i.args.includes(dataDir as string))).toBe(true);
  });
});
