import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { removeAdminTokenFile, writeAdminTokenFile } from "./admin-token-file.js";
import { createAuthCache, DEFAULT_AUTH_CACHE_TTL_MS, revokesToken } from "./api/auth-cache.js";
import { createAuthenticator, type JwtTrust } from "./api/authentication.js";
import { authInterceptor, errorInterceptor, validationInterceptor } from "./api/interceptors.js";
import { KEYGATE_SERVICES, registerKeygateServices } from "./api/keygate/keygate-services.js";
import { registerManagementService } from "./api/management-service.js";
import { createOAuthService } from "./api/oauth/oauth-service.js";
import { V2_SERVICES } from "./api/v2/v2-permissions.js";
import { registerV2Services } from "./api/v2/v2-services.js";
import { restPrefixes } from "./api/rest-prefixes.js";
import type { Config } from "./config.js";
import { resolveMasterKey } from "./master-key.js";
import type { StoredEvent } from "./domain/events.js";
import { generateRsaKeyPair, type KeyPairSource } from "./domain/key-pair.js";
import { hashSecret, hashSecretBcrypt } from "./domain/secrets.js";
import { Health } from "./gen/grpc/health/v1/health_pb.js";
import { ManagementService } from "./gen/zitadel/management_pb.js";
import { createConnectHandler } from "./server/connect-handler.js";
import { consoleRoutes } from "./server/console-routes.js";
import { withCors } from "./server/cors.js";
import { createHealthState, registerHealthService } from "./server/health.js";
import { healthRoutes } from "./server/health-routes.js";
import { createMetrics } from "./server/metrics.js";
import { createPeerLimits, defaultPeerLimits } from "./server/http2-peer-limits.js";
import { createMuxServer } from "./server/mux.js";
import { oauthRoutes } from "./server/oauth/oauth-routes.js";
import { readTlsFiles } from "./server/tls-files.js";
import { startTracing } from "./server/tracing.js";
import { openApiRoutes } from "./server/openapi-route.js";
import { reflectionServices, registerReflectionServices } from "./server/reflection.js";
import { requestLog } from "./server/request-log.js";
import { createRequestObserver } from "./server/request-observer.js";
import { bootstrap } from "./store/commands/bootstrap.js";
import { Commands } from "./store/commands/commands.js";
import type { CommandDeps } from "./store/commands/command-deps.js";
import { databaseTarget, type DatabaseTarget } from "./store/database.js";
import { createOAuthStore } from "./store/oauth-store.js";
import { openStore, type Store } from "./store/open-store.js";
import { Queries } from "./store/queries/queries.js";
import { databaseReadiness } from "./store/readiness.js";

export interface Keygate {
  /** http://host:port of the one port serving every protocol. */
  url: string;
  port: number;
  store: Store;
  /** This instance's Prometheus registry (served at /metrics). */
  metrics: Registry;
  instanceId: string;
  adminUserId: string;
  /** The `iss` of keygate's tokens and the base of its OAuth endpoints (KEYGATE_EXTERNAL_URL). */
  issuer: string;
  /** With TLS: re-reads the certificate and key files for new connections (SIGHUP); false without TLS. */
  reloadTls(): Promise<boolean>;
  /** Reports not ready, stops accepting, lets calls in flight finish (bounded), closes the database. */
  close(): Promise<void>;
}

function jwtTrust(config: Config): JwtTrust | undefined {
  if (config.jwtIssuer === undefined) return undefined;
  const jwks = config.jwtJwksUrl !== undefined ? { url: config.jwtJwksUrl } : { file: config.jwtJwksFile! };
  return { issuer: config.jwtIssuer, audience: config.jwtAudience, jwks };
}

/** What a test may give keygate besides its config. */
export interface KeygateRuntime {
  /**
   * The clock app secrets, app and machine keys, client assertions and the tokens keygate issues
   * (personal access tokens and OAuth access tokens alike) expire by, and the auth memories forget
   * by (a test clock in tests); the system's by default.
   */
  now?: () => Date;
  /** RSA key pairs of new app, machine and signing keys (the tests' pool in tests); generateRsaKeyPair by default. */
  keyPairs?: KeyPairSource;
}

/**
 * Starts keygate: database, migrations, bootstrap, then the server on one port.
 * `target` overrides the database the config names (tests use copies of migrated templates).
 */
export async function startKeygate(config: Config, logger: Logger, target: DatabaseTarget = databaseTarget(config), runtime: KeygateRuntime = {}): Promise<Keygate> {
  const now = runtime.now ?? (() => new Date());
  const keyPairs = runtime.keyPairs ?? generateRsaKeyPair;
  // Checked first: on Postgres keygate does not start without it.
  const masterKey = await resolveMasterKey(config.masterKey, config.dataDir, target);
  const tlsFiles = config.tlsCertFile === undefined ? undefined : () => readTlsFiles(config.tlsCertFile!, config.tlsKeyFile!);
  // Read before the database opens: a bad certificate must not leave anything behind.
  const tls = await tlsFiles?.();
  const metrics = createMetrics();
  // The standard OTEL_* variables configure it; undefined (off) without an OTLP endpoint.
  const tracing = await startTracing(process.env, logger);
  // What the API's auth looked up, kept for a second by the clock tokens expire by (auth-cache.ts).
  const authCache = createAuthCache(DEFAULT_AUTH_CACHE_TTL_MS, () => now().getTime());
  // Known once the OAuth service exists (after bootstrap, whose events only the metrics need).
  let oauthHears: ((events: readonly StoredEvent[]) => void) | undefined;
  const store = await openStore(target, config.nodeId, {
    migrate: config.autoMigrate,
    onEventsAppended: (events) => {
      metrics.eventsAppended(events);
      oauthHears?.(events);
      if (events.some(revokesToken)) authCache.clear();
    },
    onIdleConnectionError: (error) => logger.warn({ err: error }, "an idle database connection was closed; the pool opens a new one when needed"),
    roundTrips: tracing?.roundTrips,
  }).catch(async (error: unknown) => {
    await tracing?.shutdown();
    throw error;
  });
  if (store.pool) metrics.observePool(store.pool);
  try {
    logger.info({ database: store.kind, nodeId: store.nodeId }, "database ready");
    const commands: CommandDeps = {
      store: store.events,
      ids: store.ids,
      hashSecret: config.secretHash === "bcrypt" ? (s) => hashSecretBcrypt(s) : async (s) => hashSecret(s),
      keyPairs,
      now,
    };
    const boot = await bootstrap(commands, {
      instanceName: "keygate",
      instanceDomain: config.instanceDomain,
      firstOrgName: config.firstOrgName,
      adminToken: config.adminToken,
    });
    if (boot.revokedAdminTokens > 0) {
      await removeAdminTokenFile(config.dataDir);
      logger.warn({ revoked: boot.revokedAdminTokens }, "KEYGATE_ADMIN_TOKEN changed: the admin tokens it replaces are revoked");
    }
    if (boot.generatedAdminToken) {
      const path = await writeAdminTokenFile(config.dataDir, boot.generatedAdminToken);
      logger.info({ path }, "instance created; the admin's personal access token was written to this file (readable by its owner only)");
    }

    const queries = new Queries(store.db);
    let issuer = config.externalUrl;
    const oauth = createOAuthService(createOAuthStore(store, boot.instanceId), store.ids, {
      issuer: () => issuer!,
      now,
      masterKey,
      accessTokenLifetimeSeconds: config.accessTokenLifetimeSeconds,
      signingKeyLifetimeSeconds: config.signingKeyLifetimeSeconds,
      keyPairs,
      onClientAuthFailure: (endpoint) => metrics.oauthClientAuthFailed(endpoint),
    });
    oauthHears = (events) => oauth.eventsAppended(events);
    const authenticate = await createAuthenticator(queries, jwtTrust(config), oauth.apiTokens, now);
    const faults = {
      onInternal: (error: unknown) => logger.error({ err: error }, "internal error"),
      onUnavailable: (error: unknown) => logger.warn({ err: error }, "database unavailable; the call was answered Unavailable"),
    };
    const served = [ManagementService, ...V2_SERVICES, ...KEYGATE_SERVICES.map((entry) => entry.service), Health, ...reflectionServices];
    const health = createHealthState(served.map((s) => s.typeName));
    const observer = createRequestObserver([requestLog(logger), metrics], tracing);
    const httpRoutes = [...healthRoutes(health, databaseReadiness(store.db)), metrics.route, ...openApiRoutes(), ...consoleRoutes(), ...oauthRoutes(oauth, faults)];
    const connect = createConnectHandler({
      routes: (router) => {
        const deps = { queries, commands: new Commands(commands), instanceDomain: config.instanceDomain, now };
        registerManagementService(router, deps);
        registerV2Services(router, deps);
        registerKeygateServices(router, deps);
        registerHealthService(router, health);
        registerReflectionServices(router, served);
      },
      interceptors: [
        observer.interceptor,
        errorInterceptor(faults),
        authInterceptor(queries, authenticate, authCache),
        validationInterceptor,
      ],
      onError: (error) => logger.error({ err: error }, "call failed"),
      contextValues: observer.contextValues,
      httpRoutes,
      readMaxBytes: config.maxRequestBytes,
      rest: { prefixes: restPrefixes },
    });
    const handler = withCors(observer.wrap(connect.handler, connect.classify), config.corsOrigins ?? []);
    const server = createMuxServer(handler, {
      tls,
      onError: (error) => logger.error({ err: error }, "server error"),
      http2IdleTimeoutMs: config.http2IdleTimeoutMs,
      peerLimits: createPeerLimits(defaultPeerLimits, (peer) =>
        logger.warn({ peer, probationMs: defaultPeerLimits.probationMs }, "an HTTP/2 connection that reset too many streams was closed; its address's new HTTP/2 connections are on probation"),
      ),
    });
    const address = await server.listen(config.port, config.host);
    const host = address.host === "0.0.0.0" || address.host === "::" ? "127.0.0.1" : address.host;
    issuer ??= `${tls ? "https" : "http"}://localhost:${address.port}`;
    logger.info({ port: address.port, tls: tls !== undefined }, "keygate is listening");
    return {
      url: `${tls ? "https" : "http"}://${host}:${address.port}`,
      port: address.port,
      store,
      metrics: metrics.registry,
      instanceId: boot.instanceId,
      adminUserId: boot.adminUserId,
      issuer,
      async reloadTls() {
        if (tlsFiles === undefined) return false;
        server.setTls(await tlsFiles());
        return true;
      },
      async close() {
        health.shutdown();
        if (config.shutdownDelayMs > 0) {
          // Load balancers and Kubernetes endpoints notice a failing /ready only after a probe
          // period; closing the port at once would refuse the calls they still send meanwhile.
          logger.info({ delayMs: config.shutdownDelayMs }, "shutdown delay: not ready, still serving calls and new connections");
          await delay(config.shutdownDelayMs);
        }
        const drained = server.close(config.shutdownTimeoutMs);
        logger.info({ timeoutMs: config.shutdownTimeoutMs }, "draining: not ready, no new connections, waiting for calls in flight");
        await drained;
        await store.close();
        await tracing?.shutdown();
      },
    };
  } catch (error) {
    await store.close();
    await tracing?.shutdown();
    throw error;
  }
}
