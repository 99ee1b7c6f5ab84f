import { randomBytes } from "node:crypto";
import { describe } from "@jest/globals";
import pg from "pg";
import type { DatabaseTarget } from "../../src/store/database.js";

/** A database backend the store and end-to-end tests run on. */
export interface Backend {
  name: "embedded" | "postgres";
  /** A fresh, empty database; disposed of by `dispose`. */
  create(): Promise<DatabaseTarget>;
  dispose(): Promise<void>;
}

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

function embeddedBackend(): Backend {
  return { name: "embedded", create: async () => ({ kind: "embedded", dataDir: undefined }), dispose: async () => {} };
}

/** Each test file gets its own database on the server, dropped afterwards. */
export function postgresBackend(serverUrl: string = TEST_DATABASE_URL ?? "postgres://unset"): Backend {
  const created: string[] = [];
  const admin = () => new pg.Client({ connectionString: serverUrl });
  return {
    name: "postgres",
    async create() {
      const name = `keygate_test_${randomBytes(6).toString("hex")}`;
      const client = admin();
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      created.push(name);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return { kind: "postgres", url: url.toString(), poolSize: 20 };
    },
    async dispose() {
      const client = admin();
      await client.connect();
      try {
        for (const name of created.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Runs `suite` once per backend. Without TEST_DATABASE_URL the Postgres run is reported as skipped,
 * with the reason in its name.
 */
export function describeEachBackend(title: string, suite: (backend: Backend) => void): void {
  describe(`${title} [embedded]`, () => suite(embeddedBackend()));
  if (TEST_DATABASE_URL) {
    describe(`${title} [postgres]`, () => suite(postgresBackend(TEST_DATABASE_URL)));
  } else {
    describe.skip(`${title} [postgres] skipped: TEST_DATABASE_URL is not set`, () => suite(postgresBackend("postgres://unset")));
  }
}

export const postgresAvailable = TEST_DATABASE_URL !== undefined;
export const postgresServerUrl = TEST_DATABASE_URL;
