import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import pg from "pg";
import { createIdGenerator } from "../../src/domain/ids.js";
import { generateClientSecret, hashSecret } from "../../src/domain/secrets.js";
import { CoalescingSocket } from "../../src/store/coalescing-socket.js";
import type { CallInput } from "./clients.js";

/** Who the raw statements act as: the same instance, org and user as keygate's admin. */
export interface RawScope {
  databaseUrl: string;
  poolSize: number;
  instanceId: string;
  orgId: string;
  userId: string;
}

export interface RawWorkload {
  call(input: CallInput): Promise<void>;
  close(): Promise<void>;
}

/** Prepared as keygate prepares it: a statement keygate compiles once, named (see src/store/prepared-statements.ts). */
const prepared = (name: string, text: string) => ({ name, text });
/** Sent unnamed, as keygate sends its `select *` reads and the statements it builds per call. */
const unnamed = (text: string) => ({ text });

// Copied from the statements keygate's AddAPIApp sends (captured from the Postgres log of a traced run).
const LOCK = prepared("lock", `select "owner", "sequence" from "aggregates" where "instance_id" = $1 and "aggregate_type" = $2 and "aggregate_id" = $3 for update`);
const CLOCK = prepared("clock", `select statement_timestamp() as "now"`);
const PROJECT = unnamed(`select * from "projects" where "instance_id" = $1 and "owner" = $2 and "id" = $3`);
const UNIQUE = prepared("unique", `insert into "unique_constraints" ("instance_id", "unique_type", "unique_field") values ($1, $2, $3)`);
const EVENTS = prepared("events",
  `insert into "events2" ("instance_id", "aggregate_type", "aggregate_id", "event_type", "sequence", "revision", "created_at", "payload", "creator", "owner", "position", "in_tx_order") values ` +
  `($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12), ($13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`);
const HEAD = prepared("head",
  `insert into "aggregates" ("instance_id", "aggregate_type", "aggregate_id", "owner", "sequence", "updated_at") values ($1, $2, $3, $4, $5, $6) ` +
  `on conflict ("instance_id", "aggregate_type", "aggregate_id") do update set "sequence" = $7, "updated_at" = $8`);
const APP = prepared("app", `insert into "apps" ("instance_id", "creation_date", "change_date", "sequence", "id", "project_id", "owner", "name", "state") values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`);
const PROJECT_APP_ADDED = prepared("project_app_added", `update "projects" set "apps_sequence" = $1, "app_count" = "app_count" + $2 where "instance_id" = $3 and "id" = $4`);
const CONFIG = prepared("config", `insert into "app_api_configs" ("instance_id", "app_id", "client_id", "client_secret_hash", "auth_method") values ($1, $2, $3, $4, $5)`);
const APP_CHANGED = prepared("app_changed", `update "apps" set "change_date" = $1, "sequence" = $2 where "instance_id" = $3 and "id" = $4`);
const PROJECT_APP_CHANGED = prepared("project_app_changed", `update "projects" set "apps_sequence" = $1 where "instance_id" = $2 and "id" = $3`);

const GET_APP = prepared("get_app",
  `select "apps"."id", "apps"."name", "apps"."state", "apps"."owner", "apps"."sequence", "apps"."creation_date", "apps"."change_date", "app_api_configs"."client_id", "app_api_configs"."auth_method" ` +
  `from "apps" inner join "app_api_configs" on "app_api_configs"."instance_id" = "apps"."instance_id" and "app_api_configs"."app_id" = "apps"."id" ` +
  `where "apps"."instance_id" = $1 and "apps"."owner" = $2 and "apps"."project_id" = $3 and "apps"."id" = $4`);
// ListApps reads its totals from the project row (PROJECT), then takes the page's apps before joining their configs.
const PAGE_APPS = unnamed(
  `select "apps"."id", "apps"."name", "apps"."state", "apps"."owner", "apps"."sequence", "apps"."creation_date", "apps"."change_date", "app_api_configs"."client_id", "app_api_configs"."auth_method" ` +
    `from (select "apps".* from "apps" where "apps"."instance_id" = $1 and "apps"."owner" = $2 and "apps"."project_id" = $3 order by "apps"."id" desc limit $4 offset $5) as "apps" ` +
    `inner join "app_api_configs" on "app_api_configs"."instance_id" = "apps"."instance_id" and "app_api_configs"."app_id" = "apps"."id" order by "apps"."id" desc`,
);

/** Pipelined on the same socket as keygate's pool, so both send a command's statements the same way. */
function pool(scope: RawScope): pg.Pool {
  return new pg.Pool({ connectionString: scope.databaseUrl, max: scope.poolSize, pipeline: true, stream: () => new CoalescingSocket() });
}

/**
 * AddAPIApp's transaction, statement for statement and round trip for round trip as keygate sends
 * it on a pipelined connection, in two round trips: begin, lock the project's head, read the clock
 * and the project; claim the name, append both events, move the head, write apps, app_api_configs
 * and the project's app totals, commit. Ids come from the same generator keygate uses (on a node id keygate does not
 * take), the secret is generated and hashed the same way.
 */
export function rawAddApiApp(scope: RawScope, nodeId: number): RawWorkload {
  const p = pool(scope);
  const ids = createIdGenerator(nodeId);
  const { instanceId: I, orgId: O, userId: U } = scope;
  return {
    async call({ projectId, name }) {
      const P = projectId!;
      const appId = ids.next();
      const clientId = ids.next();
      const hashed = hashSecret(generateClientSecret());
      const c = await p.connect();
      try {
        const [, head, clock, project] = await Promise.all([c.query("begin"), c.query(LOCK, [I, "project", P]), c.query(CLOCK), c.query(PROJECT, [I, O, P])]);
        if (project.rows.length !== 1) throw new Error("project not found");
        const seq = Number(head.rows[0]?.sequence ?? 0);
        const owner = head.rows[0]?.owner ?? O;
        const at: Date = clock.rows[0].now;
        const position = (at.getTime() / 1000).toFixed(6);
        await Promise.all([
          c.query(UNIQUE, [I, "appname", `${name}:${P}`.toLowerCase()]),
          c.query(EVENTS, [
            I, "project", P, "project.application.added", seq + 1, 1, at, JSON.stringify({ appId, name }), U, owner, position, 1,
            I, "project", P, "project.application.config.api.added", seq + 2, 1, at, JSON.stringify({ appId, clientId, hashedSecret: hashed }), U, owner, position, 2,
          ]),
          c.query(HEAD, [I, "project", P, owner, seq + 2, at, seq + 2, at]),
          c.query(APP, [I, at, at, seq + 1, appId, P, owner, name, 1]),
          c.query(PROJECT_APP_ADDED, [seq + 1, 1, I, P]),
          c.query(CONFIG, [I, appId, clientId, hashed, 0]),
          c.query(APP_CHANGED, [at, seq + 2, I, appId]),
          c.query(PROJECT_APP_CHANGED, [seq + 2, I, P]),
          c.query("commit"),
        ]);
      } catch (error) {
        // After a failed read the transaction is open; after a failed write Postgres has rolled it back already.
        await c.query("rollback").catch(() => {});
        throw error;
      } finally {
        c.release();
      }
    },
    close: () => p.end(),
  };
}

/** GetAppByID's one query. */
export function rawGetApp(scope: RawScope): RawWorkload {
  const p = pool(scope);
  return {
    async call({ projectId, appId }) {
      const r = await p.query(GET_APP, [scope.instanceId, scope.orgId, projectId, appId]);
      if (r.rows.length !== 1) throw new Error("app not found");
    },
    close: () => p.end(),
  };
}

/** ListApps' two queries: the project's app totals, then the page of 100. */
export function rawListApps(scope: RawScope): RawWorkload {
  const p = pool(scope);
  return {
    async call({ projectId }) {
      const totals = await p.query(PROJECT, [scope.instanceId, scope.orgId, projectId]);
      if ((totals.rows[0]?.app_count ?? 0) === 0) throw new Error("no apps");
      const page = await p.query(PAGE_APPS, [scope.instanceId, scope.orgId, projectId, 100, 0]);
      if (page.rows.length !== 100) throw new Error("short page");
    },
    close: () => p.end(),
  };
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** What AddAppKey cannot avoid: a 2048-bit RSA key pair, PEM-encoded. */
export function rawKeygen(): RawWorkload {
  return {
    async call() {
      await generateKeyPairAsync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      });
    },
    close: async () => {},
  };
}

const ISSUE_EVENTS = prepared("issue_events", EVENTS.text);
const TOKEN_ROW = prepared("token_row",
  `insert into "access_tokens" ("instance_id", "creation_date", "change_date", "sequence", "id", "user_id", "owner", "client_id", "audience", "scopes", "auth_method") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`);
const TOKEN_ISSUED = prepared("token_issued",
  `update "access_tokens" set "change_date" = $1, "sequence" = $2, "token_type" = $3, "expiration" = $4 where "instance_id" = $5 and "id" = $6`);

/**
 * A client credentials issuance of a JWT access token as keygate does it, without the HTTP and the
 * client's authentication: an RS256 signature of the same claims, then the session's transaction in
 * two round trips on a pipelined connection (begin, lock the new session's head, clock; both events,
 * the head, the token row and its update, commit).
 */
export async function rawIssueJwt(scope: RawScope, nodeId: number): Promise<RawWorkload> {
  const { SignJWT, generateKeyPair: joseKeyPair } = await import("jose");
  const { privateKey } = await joseKeyPair("RS256");
  const p = pool(scope);
  const ids = createIdGenerator(nodeId);
  const { instanceId: I, orgId: O, userId: U } = scope;
  const audience = [I];
  const scopes = ["openid", "urn:zitadel:iam:org:project:id:zitadel:aud"];
  return {
    async call() {
      const id = ids.next();
      const now = Math.floor(Date.now() / 1000);
      const expiration = new Date((now + 43200) * 1000);
      await new SignJWT({ client_id: U, scope: scopes.join(" ") })
        .setProtectedHeader({ alg: "RS256", kid: "bench", typ: "JWT" })
        .setIssuer("http://localhost")
        .setSubject(U)
        .setAudience(audience)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 43200)
        .setJti(id)
        .sign(privateKey);
      const c = await p.connect();
      try {
        const [, , clock] = await Promise.all([c.query("begin"), c.query(LOCK, [I, "oidc_session", id]), c.query(CLOCK)]);
        const at: Date = clock.rows[0].now;
        const position = (at.getTime() / 1000).toFixed(6);
        await Promise.all([
          c.query(ISSUE_EVENTS, [
            I, "oidc_session", id, "oidc_session.added", 1, 1, at, JSON.stringify({ userID: U, clientID: U, audience, scope: scopes, authMethods: ["password"], authTime: at.toISOString() }), U, O, position, 1,
            I, "oidc_session", id, "oidc_session.access_token.added", 2, 1, at, JSON.stringify({ id, scope: scopes, lifetime: 43200, expiration: expiration.toISOString(), tokenType: "jwt" }), U, O, position, 2,
          ]),
          c.query(HEAD, [I, "oidc_session", id, O, 2, at, 2, at]),
          c.query(TOKEN_ROW, [I, at, at, 1, id, U, O, U, audience, scopes, "secret"]),
          c.query(TOKEN_ISSUED, [at, 2, "jwt", expiration, I, id]),
          c.query("commit"),
        ]);
      } catch (error) {
        await c.query("rollback").catch(() => {});
        throw error;
      } finally {
        c.release();
      }
    },
    close: () => p.end(),
  };
}
