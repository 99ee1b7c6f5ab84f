import { MAX_NODE_ID } from "./domain/ids.js";

/** keygate's configuration: one typed object from the environment, validated at start. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  poolSize: number;
  dbConnectTimeoutMs: number;
  preparedStatements: boolean;
  dataDir: string;
  embeddedFsync: boolean;
  nodeId: number | undefined;
  autoMigrate: boolean;
  adminToken: string | undefined;
  firstOrgName: string;
  instanceDomain: string;
  secretHash: "sha256" | "bcrypt";
  maxRequestBytes: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  http2IdleTimeoutMs: number;
  corsOrigins: readonly string[] | undefined;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  jwtJwksUrl: string | undefined;
  jwtJwksFile: string | undefined;
  externalUrl: string | undefined;
  masterKey: string | undefined;
  accessTokenLifetimeSeconds: number;
  signingKeyLifetimeSeconds: number;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
}

interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  default: string | undefined;
  description: string;
  parse: (raw: string) => Config[K];
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const integer = (env: string, min: number, max: number) => (raw: string) => {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) throw new ConfigError(`${env} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
};

const oneOf =
  <T extends string>(env: string, values: readonly T[]) =>
  (raw: string) => {
    if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${env} must be one of ${values.join(", ")}, got "${raw}"`);
    return raw as T;
  };

const flag = (env: string) => (raw: string) => oneOf(env, ["true", "false"] as const)(raw) === "true";

const nonEmpty = (env: string) => (raw: string) => {
  if (raw.trim() === "") throw new ConfigError(`${env} must not be empty`);
  return raw;
};

function postgresUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a URL: expected postgres://user@host:port/database`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//"`);
  }
  return raw;
}

const httpUrl = (env: string) => (raw: string) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${env} is not a URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${env} must be an http(s) URL, got "${raw}"`);
  return raw;
};

/** An http(s) URL without a trailing slash: the issuer exactly as tokens carry it. */
function externalUrl(raw: string): string {
  const url = httpUrl("KEYGATE_EXTERNAL_URL")(raw.trim()).replace(/\/+$/, "");
  if (/[?#]/.test(url)) throw new ConfigError(`KEYGATE_EXTERNAL_URL must not carry a query or fragment, got "${raw}"`);
  return url;
}

/** As ZITADEL's masterkey: exactly 32 characters. */
function masterKey(raw: string): string {
  if ([...raw].length !== 32) throw new ConfigError("KEYGATE_MASTERKEY must be exactly 32 characters long");
  return raw;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** A duration such as 90s, 30m or 12h, in seconds, from `min` to `max` seconds. */
const duration = (env: string, min: number, max: number) => (raw: string) => {
  const match = /^(\d+)(s|m|h)$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : Number.NaN;
  if (!(seconds >= min && seconds <= max)) throw new ConfigError(`${env} must be a duration like 90s, 30m or 12h, from ${min}s to ${max / 3600}h, got "${raw}"`);
  return seconds;
};

function adminToken(raw: string): string {
  if (raw.length < 32) throw new ConfigError("KEYGATE_ADMIN_TOKEN must be at least 32 characters long");
  return raw;
}

/** Comma-separated browser origins (scheme://host[:port]) or "*" alone. */
function corsOrigins(raw: string): readonly string[] {
  const origins = raw.split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (origins.includes("*")) {
    if (origins.length > 1) throw new ConfigError(`KEYGATE_CORS_ORIGINS is either * or a list of origins, not both, got "${raw}"`);
    return origins;
  }
  for (const origin of origins) {
    let parsed: string;
    try {
      parsed = new URL(origin).origin;
    } catch {
      parsed = "null";
    }
    if (parsed !== origin) {
      const hint = parsed === "null" ? "" : ` (did you mean "${parsed}"?)`;
      throw new ConfigError(`KEYGATE_CORS_ORIGINS: "${origin}" is not an origin like https://console.example.com${hint}`);
    }
  }
  return origins;
}

const setting = <K extends keyof Config>(s: Setting<K>) => s;

/** Every setting, in the order the README's table and `--help` show them. */
export const SETTINGS = [
  setting({ key: "port", env: "PORT", default: "8080", description: "Port serving gRPC (h2c), gRPC-Web, Connect and REST", parse: integer("PORT", 0, 65535) }),
  setting({ key: "host", env: "HOST", default: "0.0.0.0", description: "Address to listen on", parse: nonEmpty("HOST") }),
  setting({ key: "databaseUrl", env: "DATABASE_URL", default: undefined, description: "PostgreSQL URL; without it keygate runs on the embedded PGlite in KEYGATE_DATA_DIR", parse: postgresUrl }),
  setting({ key: "poolSize", env: "KEYGATE_DB_POOL_SIZE", default: "10", description: "Connections in the PostgreSQL pool", parse: integer("KEYGATE_DB_POOL_SIZE", 1, 1000) }),
  setting({
    key: "dbConnectTimeoutMs",
    env: "KEYGATE_DB_CONNECT_TIMEOUT",
    default: "5000",
    description: "How long a call waits for a PostgreSQL connection (a new one to answer, or a busy pool to free one), in milliseconds, before it fails with Unavailable",
    parse: integer("KEYGATE_DB_CONNECT_TIMEOUT", 1, 600000),
  }),
  setting({
    key: "preparedStatements",
    env: "KEYGATE_DB_PREPARED_STATEMENTS",
    default: "true",
    description: "Run hot statements as prepared statements on PostgreSQL; false behind PgBouncer in transaction mode before 1.21",
    parse: flag("KEYGATE_DB_PREPARED_STATEMENTS"),
  }),
  setting({ key: "dataDir", env: "KEYGATE_DATA_DIR", default: "./.keygate", description: "Embedded database and the generated admin token file (admin.pat)", parse: nonEmpty("KEYGATE_DATA_DIR") }),
  setting({
    key: "autoMigrate",
    env: "KEYGATE_AUTO_MIGRATE",
    default: "true",
    description: "Run pending database migrations at start; false when a separate job runs `keygate migrate` (start then fails if the schema is not current)",
    parse: flag("KEYGATE_AUTO_MIGRATE"),
  }),
  setting({
    key: "embeddedFsync",
    env: "KEYGATE_EMBEDDED_FSYNC",
    default: "true",
    description: "Embedded database: flush each commit to disk, so a power loss or OS crash loses no acknowledged write; false is faster, for tests and demos",
    parse: flag("KEYGATE_EMBEDDED_FSYNC"),
  }),
  setting({ key: "nodeId", env: "KEYGATE_NODE_ID", default: undefined, description: `Id generator node (0-${MAX_NODE_ID}), unique per running process; by default taken from a database sequence`, parse: integer("KEYGATE_NODE_ID", 0, MAX_NODE_ID) }),
  setting({ key: "adminToken", env: "KEYGATE_ADMIN_TOKEN", default: undefined, description: "Token of the bootstrap admin (IAM_OWNER); generated into <data dir>/admin.pat when unset", parse: adminToken }),
  setting({ key: "firstOrgName", env: "KEYGATE_FIRST_ORG_NAME", default: "keygate", description: "Name of the org created on first start", parse: nonEmpty("KEYGATE_FIRST_ORG_NAME") }),
  setting({ key: "instanceDomain", env: "KEYGATE_INSTANCE_DOMAIN", default: "localhost", description: "Domain under which orgs get their primary domain", parse: nonEmpty("KEYGATE_INSTANCE_DOMAIN") }),
  setting({ key: "secretHash", env: "KEYGATE_SECRET_HASH", default: "sha256", description: "Hash for new client secrets: sha256 (salted) or bcrypt (cost 4, as ZITADEL)", parse: oneOf("KEYGATE_SECRET_HASH", ["sha256", "bcrypt"] as const) }),
  setting({ key: "maxRequestBytes", env: "KEYGATE_MAX_REQUEST_BYTES", default: "4194304", description: "Largest request body accepted, in bytes", parse: integer("KEYGATE_MAX_REQUEST_BYTES", 1024, 64 * 1024 * 1024) }),
  setting({ key: "logLevel", env: "KEYGATE_LOG_LEVEL", default: "info", description: "Log level: fatal, error, warn, info, debug, trace or silent", parse: oneOf("KEYGATE_LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const) }),
  setting({
    key: "shutdownDelayMs",
    env: "KEYGATE_SHUTDOWN_DELAY_MS",
    default: "0",
    description: "After SIGTERM, how long keygate answers /ready with 503 but still serves calls and new connections before draining, in milliseconds (lets load balancers notice first)",
    parse: integer("KEYGATE_SHUTDOWN_DELAY_MS", 0, 600000),
  }),
  setting({ key: "shutdownTimeoutMs", env: "KEYGATE_SHUTDOWN_TIMEOUT_MS", default: "10000", description: "How long shutdown waits for calls in flight, in milliseconds", parse: integer("KEYGATE_SHUTDOWN_TIMEOUT_MS", 0, 600000) }),
  setting({
    key: "http2IdleTimeoutMs",
    env: "KEYGATE_HTTP2_IDLE_TIMEOUT",
    default: "120000",
    description: "An HTTP/2 connection without frames for this many milliseconds is closed (GOAWAY); 0 never",
    parse: integer("KEYGATE_HTTP2_IDLE_TIMEOUT", 0, 86400000),
  }),
  setting({ key: "corsOrigins", env: "KEYGATE_CORS_ORIGINS", default: undefined, description: "Browser origins allowed to call keygate (CORS), comma-separated, or * for any; none when unset", parse: corsOrigins }),
  setting({ key: "jwtIssuer", env: "KEYGATE_JWT_ISSUER", default: undefined, description: "Issuer whose RS256/ES256 JWT access tokens are accepted besides personal access tokens; `sub` is the keygate user id", parse: nonEmpty("KEYGATE_JWT_ISSUER") }),
  setting({ key: "jwtAudience", env: "KEYGATE_JWT_AUDIENCE", default: undefined, description: "Audience those JWTs must carry (not checked when unset)", parse: nonEmpty("KEYGATE_JWT_AUDIENCE") }),
  setting({ key: "jwtJwksUrl", env: "KEYGATE_JWT_JWKS_URL", default: undefined, description: "URL of the issuer's JWKS (one of URL or file with KEYGATE_JWT_ISSUER)", parse: httpUrl("KEYGATE_JWT_JWKS_URL") }),
  setting({ key: "jwtJwksFile", env: "KEYGATE_JWT_JWKS_FILE", default: undefined, description: "Path of a file holding the issuer's JWKS", parse: nonEmpty("KEYGATE_JWT_JWKS_FILE") }),
  setting({ key: "externalUrl", env: "KEYGATE_EXTERNAL_URL", default: undefined, description: "URL clients reach keygate at: the issuer of its tokens and the base of its OAuth endpoints (default http://localhost:$PORT; a trailing slash is dropped)", parse: externalUrl }),
  setting({ key: "masterKey", env: "KEYGATE_MASTERKEY", default: undefined, description: "32 characters that encrypt the token-signing keys in the database; required on PostgreSQL, generated into <data dir>/masterkey when unset on the embedded database", parse: masterKey }),
  setting({ key: "accessTokenLifetimeSeconds", env: "KEYGATE_ACCESS_TOKEN_LIFETIME", default: "12h", description: "Lifetime of the access tokens keygate issues (s, m or h)", parse: duration("KEYGATE_ACCESS_TOKEN_LIFETIME", 60, 7 * 24 * 3600) }),
  setting({ key: "signingKeyLifetimeSeconds", env: "KEYGATE_SIGNING_KEY_LIFETIME", default: "6h", description: "How long one token-signing key signs before a new one is made (s, m or h)", parse: duration("KEYGATE_SIGNING_KEY_LIFETIME", 60, 365 * 24 * 3600) }),
  setting({ key: "tlsCertFile", env: "KEYGATE_TLS_CERT_FILE", default: undefined, description: "PEM certificate (its chain may follow) to serve every protocol over TLS on the one port, ALPN h2 and http/1.1; re-read on SIGHUP", parse: nonEmpty("KEYGATE_TLS_CERT_FILE") }),
  setting({ key: "tlsKeyFile", env: "KEYGATE_TLS_KEY_FILE", default: undefined, description: "PEM private key of KEYGATE_TLS_CERT_FILE", parse: nonEmpty("KEYGATE_TLS_KEY_FILE") }),
] as const;

/** Settings that only make sense together. */
function crossCheck(config: Partial<Config>): string[] {
  const problems: string[] = [];
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) problems.push("KEYGATE_TLS_CERT_FILE and KEYGATE_TLS_KEY_FILE go together: set both or neither");
  const sources = [config.jwtJwksUrl, config.jwtJwksFile].filter((s) => s !== undefined).length;
  if (config.jwtIssuer !== undefined && sources !== 1) problems.push("KEYGATE_JWT_ISSUER needs exactly one of KEYGATE_JWT_JWKS_URL and KEYGATE_JWT_JWKS_FILE");
  if (config.jwtIssuer === undefined && (sources > 0 || config.jwtAudience !== undefined)) problems.push("KEYGATE_JWT_* settings need KEYGATE_JWT_ISSUER");
  return problems;
}

/** Reads and validates every setting; reports all bad values at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Partial<Record<keyof Config, unknown>> = {};
  const problems: string[] = [];
  for (const s of SETTINGS) {
    // An empty variable (FOO= in a compose file) means unset: the default applies.
    const raw = env[s.env] === "" || env[s.env] === undefined ? s.default : env[s.env];
    if (raw === undefined) continue;
    try {
      config[s.key] = s.parse(raw);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  problems.push(...crossCheck(config as Partial<Config>));
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return config as Config;
}

export function helpText(): string {
  const rows = SETTINGS.map((s) => `  ${s.env.padEnd(28)} ${s.description}${s.default === undefined ? "" : ` (default: ${s.default})`}`);
  return [
    "keygate: API applications under projects in organizations, wire-compatible with ZITADEL's Management API.",
    "",
    "Usage: keygate [serve]                 start the service",
    "       keygate migrate                 bring the database schema up to date, then exit",
    "       keygate rebuild-projections     rebuild every read table from the events, then exit",
    "       keygate export > dump.ndjson    write the event store as NDJSON to standard output",
    "       keygate import < dump.ndjson    read an export into an empty database, then rebuild the read tables",
    "       keygate --version               the version",
    "       keygate --help                  this text",
    "",
    "Environment:",
    ...rows,
  ].join("\n");
}
