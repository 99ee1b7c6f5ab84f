import { createServer } from "node:net";
import type { Config } from "./config.js";

/** What an operator needs to fix a failed start: one log line, with where and what to do. */
export interface StartupFailure {
  msg: string;
  /** The host:port involved (the database, or the address keygate listens on). */
  host: string;
  cause: string;
  hint: string;
}

/** Node's network errors that mean the database host cannot be reached at all. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);
/** Postgres's codes for a role it refuses (unknown role, wrong password) and for a missing database. */
const ROLE_REFUSED = new Set(["28000", "28P01"]);
const NO_SUCH_DATABASE = "3D000";

/**
 * Fails fast, before anything is written to the data dir, when the port is taken: the embedded
 * database would otherwise start (and on a first start, create its files) before the server finds out.
 */
export function ensurePortFree(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** A known cause of a failed start, described for the operator; undefined for anything else. */
export function describeStartupFailure(error: unknown, config: Config): StartupFailure | undefined {
  const code = errorCode(error);
  const cause = messageOf(error);
  const listening = `${config.host}:${config.port}`;
  if (code === "EADDRINUSE") {
    return { msg: `port ${config.port} is already in use`, host: listening, cause, hint: `another process listens on ${listening}: stop it, or set PORT to a free port` };
  }
  if (code === "EACCES" && cause.includes("listen")) {
    return { msg: `not allowed to listen on port ${config.port}`, host: listening, cause, hint: "ports below 1024 need privileges: set PORT to 1024 or higher" };
  }
  // By name: importing the migrator here would load Kysely before the embedded database starts.
  if (error instanceof Error && error.name === "TlsFilesError") {
    return { msg: "the TLS certificate or key cannot be used", host: listening, cause, hint: "check KEYGATE_TLS_CERT_FILE and KEYGATE_TLS_KEY_FILE: readable PEM files, the key belonging to the first certificate" };
  }
  if (error instanceof Error && error.name === "SchemaNotCurrentError") {
    return { msg: "the database schema is not current", host: databaseHost(config), cause, hint: "run `keygate migrate` (the migration job), or set KEYGATE_AUTO_MIGRATE=true" };
  }
  if (config.databaseUrl === undefined || code === undefined) return undefined;
  const url = new URL(config.databaseUrl);
  if (UNREACHABLE.has(code)) {
    return { msg: "the database cannot be reached", host: databaseHost(config), cause, hint: "is PostgreSQL running and reachable there? check the host and port in DATABASE_URL" };
  }
  if (ROLE_REFUSED.has(code)) {
    const role = decodeURIComponent(url.username) || "(none given)";
    return { msg: "the database refused the role", host: databaseHost(config), cause, hint: `check the user and password in DATABASE_URL (role ${role}) and pg_hba.conf` };
  }
  if (code === NO_SUCH_DATABASE) {
    const name = decodeURIComponent(url.pathname.slice(1));
    return { msg: "the database does not exist", host: databaseHost(config), cause, hint: `create it (CREATE DATABASE "${name}") or fix the database name in DATABASE_URL` };
  }
  return undefined;
}

function databaseHost(config: Config): string {
  if (config.databaseUrl === undefined) return `embedded:${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `${url.hostname || "localhost"}:${url.port || "5432"}`;
}

/** The error's code; connecting to a name with several addresses fails with one error per address. */
function errorCode(error: unknown): string | undefined {
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  if (typeof error !== "object" || error === null) return undefined;
  if ("code" in error && typeof error.code === "string") return error.code;
  return "cause" in error ? errorCode(error.cause) : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") return error.errors.map(messageOf).join("; ");
  return error instanceof Error ? error.message : String(error);
}
