import { describe, expect, test } from "vitest";
import { ConfigError, helpText, loadConfig, SETTINGS } from "../../src/config.js";
import { MAX_NODE_ID } from "../../src/domain/ids.js";

/** loadConfig's error for `env`, or a test failure if it accepts it. */
function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The individual problems listed in a ConfigError's message. */
const problemsOf = (error: ConfigError) => error.message.split("\n").slice(1).map((line) => line.trim());

describe("loadConfig", () => {
  test("with nothing set, every setting has its documented default", () => {
    const config = loadConfig({});
    // Not typed as Config on purpose: a new setting should fail this test, not the type check.
    expect(config).toEqual({
      port: 8080,
      host: "0.0.0.0",
      databaseUrl: undefined,
      poolSize: 10,
      dbConnectTimeoutMs: 5000,
      preparedStatements: true,
      dataDir: "./.keygate",
      embeddedFsync: true,
      autoMigrate: true,
      nodeId: undefined,
      adminToken: undefined,
      firstOrgName: "keygate",
      instanceDomain: "localhost",
      secretHash: "sha256",
      maxRequestBytes: 4194304,
      logLevel: "info",
      shutdownDelayMs: 0,
      shutdownTimeoutMs: 10000,
      http2IdleTimeoutMs: 120000,
      corsOrigins: undefined,
      jwtIssuer: undefined,
      jwtAudience: undefined,
      jwtJwksUrl: undefined,
      jwtJwksFile: undefined,
      externalUrl: undefined,
      masterKey: undefined,
      accessTokenLifetimeSeconds: 43200,
      signingKeyLifetimeSeconds: 21600,
      tlsCertFile: undefined,
      tlsKeyFile: undefined,
    });
    // Optional settings are absent, not present with a made-up value.
    for (const key of ["databaseUrl", "nodeId", "adminToken", "corsOrigins", "jwtIssuer", "jwtAudience", "jwtJwksUrl", "jwtJwksFile", "tlsCertFile", "tlsKeyFile"] as const) {
      expect(config[key]).toBeUndefined();
    }
  });

  test("reads process.env when given no environment", () => {
    const saved = process.env.KEYGATE_FIRST_ORG_NAME;
    process.env.KEYGATE_FIRST_ORG_NAME = "from-process-env";
    try {
      expect(loadConfig().firstOrgName).toBe("from-process-env");
    } finally {
      if (saved === undefined) delete process.env.KEYGATE_FIRST_ORG_NAME;
      else process.env.KEYGATE_FIRST_ORG_NAME = saved;
    }
  });

  test("valid values are parsed into their types", () => {
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: "postgresql://keygate:secret@db.internal:5433/keygate?sslmode=require",
      KEYGATE_DB_POOL_SIZE: "1000",
      KEYGATE_DB_CONNECT_TIMEOUT: "250",
      KEYGATE_DB_PREPARED_STATEMENTS: "false",
      KEYGATE_DATA_DIR: "/data",
      KEYGATE_EMBEDDED_FSYNC: "false",
      KEYGATE_AUTO_MIGRATE: "false",
      KEYGATE_NODE_ID: String(MAX_NODE_ID),
      KEYGATE_ADMIN_TOKEN: "a".repeat(32),
      KEYGATE_FIRST_ORG_NAME: "ACME",
      KEYGATE_INSTANCE_DOMAIN: "keygate.example.com",
      KEYGATE_SECRET_HASH: "bcrypt",
      KEYGATE_MAX_REQUEST_BYTES: "1024",
      KEYGATE_LOG_LEVEL: "silent",
      KEYGATE_SHUTDOWN_DELAY_MS: "5000",
      KEYGATE_SHUTDOWN_TIMEOUT_MS: "0",
      KEYGATE_HTTP2_IDLE_TIMEOUT: "30000",
      KEYGATE_CORS_ORIGINS: "https://console.example.com, http://localhost:3000",
      KEYGATE_JWT_ISSUER: "https://issuer.example.com",
      KEYGATE_JWT_AUDIENCE: "keygate",
      KEYGATE_JWT_JWKS_URL: "https://issuer.example.com/oauth/v2/keys",
      KEYGATE_EXTERNAL_URL: "https://keygate.example.com",
      KEYGATE_MASTERKEY: "0123456789abcdef0123456789abcdef",
      KEYGATE_ACCESS_TOKEN_LIFETIME: "1h",
      KEYGATE_SIGNING_KEY_LIFETIME: "30m",
    });
    expect(config).toEqual({
      port: 0,
      host: "127.0.0.1",
      databaseUrl: "postgresql://keygate:secret@db.internal:5433/keygate?sslmode=require",
      poolSize: 1000,
      dbConnectTimeoutMs: 250,
      preparedStatements: false,
      dataDir: "/data",
      embeddedFsync: false,
      autoMigrate: false,
      nodeId: MAX_NODE_ID,
      adminToken: "a".repeat(32),
      firstOrgName: "ACME",
      instanceDomain: "keygate.example.com",
      secretHash: "bcrypt",
      maxRequestBytes: 1024,
      logLevel: "silent",
      shutdownDelayMs: 5000,
      shutdownTimeoutMs: 0,
      http2IdleTimeoutMs: 30000,
      corsOrigins: ["https://console.example.com", "http://localhost:3000"],
      jwtIssuer: "https://issuer.example.com",
      jwtAudience: "keygate",
      jwtJwksUrl: "https://issuer.example.com/oauth/v2/keys",
      externalUrl: "https://keygate.example.com",
      masterKey: "0123456789abcdef0123456789abcdef",
      accessTokenLifetimeSeconds: 3600,
      signingKeyLifetimeSeconds: 1800,
    });
    expect(loadConfig({ KEYGATE_CORS_ORIGINS: "*" }).corsOrigins).toEqual(["*"]);
    expect(loadConfig({ KEYGATE_JWT_ISSUER: "https://issuer.example.com", KEYGATE_JWT_JWKS_FILE: "/etc/keygate/jwks.json" })).toMatchObject({
      jwtIssuer: "https://issuer.example.com",
      jwtJwksFile: "/etc/keygate/jwks.json",
    });
    expect(loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1/postgres", PORT: "65535", KEYGATE_NODE_ID: "0" })).toMatchObject({
      databaseUrl: "postgres://postgres@127.0.0.1/postgres",
      port: 65535,
      nodeId: 0,
    });
    for (const level of ["fatal", "error", "warn", "info", "debug", "trace", "silent"]) {
      expect(loadConfig({ KEYGATE_LOG_LEVEL: level }).logLevel).toBe(level);
    }
  });

  // One bad value per setting, with the exact message an operator sees.
  const badValues: Record<string, Array<[string, string]>> = {
    PORT: [
      ["http", 'PORT must be a whole number from 0 to 65535, got "http"'],
      ["65536", 'PORT must be a whole number from 0 to 65535, got "65536"'],
      ["-1", 'PORT must be a whole number from 0 to 65535, got "-1"'],
      ["80.5", 'PORT must be a whole number from 0 to 65535, got "80.5"'],
      ["1e3", 'PORT must be a whole number from 0 to 65535, got "1e3"'],
    ],
    HOST: [["   ", "HOST must not be empty"]],
    DATABASE_URL: [
      ["localhost:5432/keygate", 'DATABASE_URL must start with postgres:// or postgresql://, got "localhost://"'],
      ["not a url", "DATABASE_URL is not a URL: expected postgres://user@host:port/database"],
      ["mysql://root@localhost/keygate", 'DATABASE_URL must start with postgres:// or postgresql://, got "mysql://"'],
    ],
    KEYGATE_DB_POOL_SIZE: [["0", 'KEYGATE_DB_POOL_SIZE must be a whole number from 1 to 1000, got "0"']],
    KEYGATE_DB_CONNECT_TIMEOUT: [["0", 'KEYGATE_DB_CONNECT_TIMEOUT must be a whole number from 1 to 600000, got "0"']],
    KEYGATE_DB_PREPARED_STATEMENTS: [
      ["no", 'KEYGATE_DB_PREPARED_STATEMENTS must be one of true, false, got "no"'],
      ["TRUE", 'KEYGATE_DB_PREPARED_STATEMENTS must be one of true, false, got "TRUE"'],
    ],
    KEYGATE_DATA_DIR: [[" ", "KEYGATE_DATA_DIR must not be empty"]],
    KEYGATE_EMBEDDED_FSYNC: [["off", 'KEYGATE_EMBEDDED_FSYNC must be one of true, false, got "off"']],
    KEYGATE_NODE_ID: [
      [String(MAX_NODE_ID + 1), `KEYGATE_NODE_ID must be a whole number from 0 to ${MAX_NODE_ID}, got "${MAX_NODE_ID + 1}"`],
      ["node-1", `KEYGATE_NODE_ID must be a whole number from 0 to ${MAX_NODE_ID}, got "node-1"`],
    ],
    KEYGATE_ADMIN_TOKEN: [["a".repeat(31), "KEYGATE_ADMIN_TOKEN must be at least 32 characters long"]],
    KEYGATE_FIRST_ORG_NAME: [["\t", "KEYGATE_FIRST_ORG_NAME must not be empty"]],
    KEYGATE_INSTANCE_DOMAIN: [[" ", "KEYGATE_INSTANCE_DOMAIN must not be empty"]],
    KEYGATE_SECRET_HASH: [
      ["md5", 'KEYGATE_SECRET_HASH must be one of sha256, bcrypt, got "md5"'],
      ["SHA256", 'KEYGATE_SECRET_HASH must be one of sha256, bcrypt, got "SHA256"'],
    ],
    KEYGATE_MAX_REQUEST_BYTES: [["1023", 'KEYGATE_MAX_REQUEST_BYTES must be a whole number from 1024 to 67108864, got "1023"']],
    KEYGATE_LOG_LEVEL: [
      ["verbose", 'KEYGATE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
      ["INFO", 'KEYGATE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "INFO"'],
    ],
    KEYGATE_AUTO_MIGRATE: [["no", 'KEYGATE_AUTO_MIGRATE must be one of true, false, got "no"']],
    KEYGATE_SHUTDOWN_DELAY_MS: [["-1", 'KEYGATE_SHUTDOWN_DELAY_MS must be a whole number from 0 to 600000, got "-1"']],
    KEYGATE_SHUTDOWN_TIMEOUT_MS: [["600001", 'KEYGATE_SHUTDOWN_TIMEOUT_MS must be a whole number from 0 to 600000, got "600001"']],
    KEYGATE_HTTP2_IDLE_TIMEOUT: [["1m", 'KEYGATE_HTTP2_IDLE_TIMEOUT must be a whole number from 0 to 86400000, got "1m"']],
    KEYGATE_CORS_ORIGINS: [
      ["*, https://console.example.com", 'KEYGATE_CORS_ORIGINS is either * or a list of origins, not both, got "*, https://console.example.com"'],
      ["https://console.example.com/", 'KEYGATE_CORS_ORIGINS: "https://console.example.com/" is not an origin like https://console.example.com (did you mean "https://console.example.com"?)'],
      ["console.example.com", 'KEYGATE_CORS_ORIGINS: "console.example.com" is not an origin like https://console.example.com'],
    ],
    // Alone, each JWT setting would also trip the cross-check; a bad value is reported instead of it.
    KEYGATE_JWT_ISSUER: [[" ", "KEYGATE_JWT_ISSUER must not be empty"]],
    KEYGATE_JWT_AUDIENCE: [[" ", "KEYGATE_JWT_AUDIENCE must not be empty"]],
    KEYGATE_JWT_JWKS_URL: [
      ["keys.json", 'KEYGATE_JWT_JWKS_URL is not a URL, got "keys.json"'],
      ["file:///etc/jwks.json", 'KEYGATE_JWT_JWKS_URL must be an http(s) URL, got "file:///etc/jwks.json"'],
    ],
    KEYGATE_JWT_JWKS_FILE: [[" ", "KEYGATE_JWT_JWKS_FILE must not be empty"]],
    KEYGATE_EXTERNAL_URL: [
      ["auth.example.com", 'KEYGATE_EXTERNAL_URL is not a URL, got "auth.example.com"'],
      ["ftp://auth.example.com", 'KEYGATE_EXTERNAL_URL must be an http(s) URL, got "ftp://auth.example.com"'],
      ["https://auth.example.com/?tenant=1", 'KEYGATE_EXTERNAL_URL must not carry a query or fragment, got "https://auth.example.com/?tenant=1"'],
    ],
    // The message never repeats the value: it is a secret.
    KEYGATE_MASTERKEY: [
      ["a".repeat(31), "KEYGATE_MASTERKEY must be exactly 32 characters long"],
      ["a".repeat(33), "KEYGATE_MASTERKEY must be exactly 32 characters long"],
    ],
    KEYGATE_ACCESS_TOKEN_LIFETIME: [
      ["12", 'KEYGATE_ACCESS_TOKEN_LIFETIME must be a duration like 90s, 30m or 12h, from 60s to 168h, got "12"'],
      ["59s", 'KEYGATE_ACCESS_TOKEN_LIFETIME must be a duration like 90s, 30m or 12h, from 60s to 168h, got "59s"'],
      ["1d", 'KEYGATE_ACCESS_TOKEN_LIFETIME must be a duration like 90s, 30m or 12h, from 60s to 168h, got "1d"'],
    ],
    KEYGATE_SIGNING_KEY_LIFETIME: [["0h", 'KEYGATE_SIGNING_KEY_LIFETIME must be a duration like 90s, 30m or 12h, from 60s to 8760h, got "0h"']],
    // Alone, each TLS file would also trip the cross-check; a bad value is reported instead of it.
    KEYGATE_TLS_CERT_FILE: [[" ", "KEYGATE_TLS_CERT_FILE must not be empty"]],
    KEYGATE_TLS_KEY_FILE: [[" ", "KEYGATE_TLS_KEY_FILE must not be empty"]],
  };

  test("OAuth settings: the external URL loses its trailing slash, durations become seconds", () => {
    expect(
      loadConfig({ KEYGATE_EXTERNAL_URL: "https://auth.example.com/keygate/", KEYGATE_MASTERKEY: "0123456789abcdef0123456789abcdef", KEYGATE_ACCESS_TOKEN_LIFETIME: "90m", KEYGATE_SIGNING_KEY_LIFETIME: "2m" }),
    ).toMatchObject({ externalUrl: "https://auth.example.com/keygate", masterKey: "0123456789abcdef0123456789abcdef", accessTokenLifetimeSeconds: 5400, signingKeyLifetimeSeconds: 120 });
    expect(loadConfig({})).toMatchObject({ accessTokenLifetimeSeconds: 12 * 3600, signingKeyLifetimeSeconds: 6 * 3600 });
  });

  test("every setting has its bad values tested here", () => {
    expect(Object.keys(badValues).sort()).toEqual(SETTINGS.map((s) => s.env).sort());
  });

  describe.each(Object.entries(badValues))("%s", (env, cases) => {
    test.each(cases)("rejects %j", (value, message) => {
      const error = errorOf({ [env]: value });
      expect(error.name).toBe("ConfigError");
      expect(error.message.split("\n")[0]).toBe("invalid configuration:");
      expect(problemsOf(error)).toEqual([message]);
    });
  });

  test.each([
    [{ KEYGATE_JWT_ISSUER: "https://issuer.example.com" }, "KEYGATE_JWT_ISSUER needs exactly one of KEYGATE_JWT_JWKS_URL and KEYGATE_JWT_JWKS_FILE"],
    [
      { KEYGATE_JWT_ISSUER: "https://issuer.example.com", KEYGATE_JWT_JWKS_URL: "https://issuer.example.com/keys", KEYGATE_JWT_JWKS_FILE: "/jwks.json" },
      "KEYGATE_JWT_ISSUER needs exactly one of KEYGATE_JWT_JWKS_URL and KEYGATE_JWT_JWKS_FILE",
    ],
    [{ KEYGATE_JWT_AUDIENCE: "keygate" }, "KEYGATE_JWT_* settings need KEYGATE_JWT_ISSUER"],
    [{ KEYGATE_JWT_JWKS_FILE: "/jwks.json" }, "KEYGATE_JWT_* settings need KEYGATE_JWT_ISSUER"],
  ])("JWT settings that only work together: %j", (env, message) => {
    expect(problemsOf(errorOf(env))).toEqual([message]);
  });

  test.each([[{ KEYGATE_TLS_CERT_FILE: "/tls.crt" }], [{ KEYGATE_TLS_KEY_FILE: "/tls.key" }]])("TLS files go together: %j", (env) => {
    expect(problemsOf(errorOf(env))).toEqual(["KEYGATE_TLS_CERT_FILE and KEYGATE_TLS_KEY_FILE go together: set both or neither"]);
    expect(loadConfig({ KEYGATE_TLS_CERT_FILE: "/tls.crt", KEYGATE_TLS_KEY_FILE: "/tls.key" })).toMatchObject({ tlsCertFile: "/tls.crt", tlsKeyFile: "/tls.key" });
  });

  test("a bad DATABASE_URL's message does not repeat the URL, which may hold a password", () => {
    const error = errorOf({ DATABASE_URL: "mysql://root:hunter2@localhost/keygate" });
    expect(error.message).not.toContain("hunter2");
    const notUrl = errorOf({ DATABASE_URL: "hunter2 is my password" });
    expect(notUrl.message).not.toContain("hunter2");
  });

  test("a too short admin token is not repeated in the message", () => {
    expect(errorOf({ KEYGATE_ADMIN_TOKEN: "hunter2" }).message).not.toContain("hunter2");
  });

  test("every problem is reported at once, in the order of the settings", () => {
    const error = errorOf({ KEYGATE_LOG_LEVEL: "loud", PORT: "99999", DATABASE_URL: "mysql://x", KEYGATE_FIRST_ORG_NAME: "fine" });
    expect(problemsOf(error)).toEqual([
      'PORT must be a whole number from 0 to 65535, got "99999"',
      'DATABASE_URL must start with postgres:// or postgresql://, got "mysql://"',
      'KEYGATE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });

  test("empty values count as unset: defaults apply and optional settings stay absent", () => {
    const empty = Object.fromEntries(SETTINGS.map((s) => [s.env, ""]));
    expect(loadConfig(empty)).toEqual(loadConfig({}));
    const config = loadConfig({ PORT: "", DATABASE_URL: "", KEYGATE_ADMIN_TOKEN: "", KEYGATE_NODE_ID: "" });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.adminToken).toBeUndefined();
    expect(config.nodeId).toBeUndefined();
  });

  test("variables that are not settings are ignored", () => {
    expect(loadConfig({ KEYGATE_PORT: "nonsense", NODE_ENV: "production" })).toEqual(loadConfig({}));
  });
});

describe("SETTINGS", () => {
  test("environment names are unique, and every default passes its own validation", () => {
    const names = SETTINGS.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SETTINGS) {
      if (s.default !== undefined) expect(() => s.parse(s.default as string)).not.toThrow();
      expect(s.description.length).toBeGreaterThan(10);
    }
  });

  test("--help lists every setting with its default", () => {
    const help = helpText();
    for (const s of SETTINGS) {
      const line = help.split("\n").find((l) => l.trimStart().startsWith(`${s.env} `));
      expect(line).toBeDefined();
      if (s.default !== undefined) expect(line).toContain(`(default: ${s.default})`);
    }
  });
});
