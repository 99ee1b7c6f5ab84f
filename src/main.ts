import { readFileSync } from "node:fs";
import { ConfigError, helpText, loadConfig, type Config } from "./config.js";
import type { Kysely } from "kysely";
import type { Keygate } from "./keygate.js";
import { createLogger, type Logger } from "./logger.js";
import { describeStartupFailure, ensurePortFree } from "./startup-failure.js";
import { databaseTarget, startEmbeddedEarly } from "./store/database.js";
import type { Store } from "./store/open-store.js";

/** A command of keygate's command line: its exit code. */
type Command = (config: Config, logger: Logger) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: async (config, logger) => {
    await ensurePortFree(config.port, config.host);
    // Listened for before the start: a SIGTERM that follows "keygate is listening" at once (a
    // supervisor, a test) must drain and exit 0, not find Node's default action still in place.
    const stopSignal = nextSignal();
    const keygate = await serve(config, logger);
    // SIGHUP re-reads the TLS files (a renewed certificate) without dropping open connections.
    process.on("SIGHUP", () => {
      keygate.reloadTls().then(
        (reloaded) => logger.info(reloaded ? "SIGHUP: TLS certificate and key reloaded for new connections" : "SIGHUP: TLS is off, nothing to reload"),
        (error: unknown) => logger.error({ err: error }, "SIGHUP: TLS files not reloaded, the previous ones stay in use"),
      );
    });
    const signal = await stopSignal;
    logger.info({ signal }, "shutting down");
    // A second signal means "now": skip the rest of the drain.
    void nextSignal().then((again) => {
      logger.warn({ signal: again }, "second signal, exiting without waiting for calls in flight");
      process.exit(1);
    });
    await keygate.close();
    logger.info("stopped");
    return 0;
  },
  migrate: async (config, logger) => {
    const [{ openDatabase }, { migrateToLatest }] = await Promise.all([import("./store/database.js"), import("./store/migrator.js")]);
    const { db } = await openDatabase(databaseTarget(config));
    try {
      const { results = [] } = await migrateToLatest(db as unknown as Kysely<unknown>);
      logger.info({ applied: results.map((r) => r.migrationName) }, results.length === 0 ? "the schema is current" : "migrations applied");
    } finally {
      await db.destroy();
    }
    return 0;
  },
  "rebuild-projections": (config, logger) =>
    withStore(config, async (store) => {
      const { rebuildProjections } = await import("./store/rebuild.js");
      logger.info(await rebuildProjections(store.db, store.projector), "projections rebuilt from the events");
    }),
  export: (config, logger) =>
    withStore(config, async (store) => {
      const { exportEventStore } = await import("./store/event-store-dump.js");
      logger.info({ rows: await exportEventStore(store.db, process.stdout) }, "event store exported");
    }),
  import: (config, logger) =>
    withStore(config, async (store) => {
      const { importEventStore } = await import("./store/event-store-dump.js");
      logger.info(await importEventStore(store.db, store.projector, process.stdin), "event store imported and projections rebuilt");
    }),
};

/** keygate's command line: serve (default), migrate, rebuild-projections, export, import, --version, --help. */
async function main(args: string[]): Promise<number> {
  const name = args[0] ?? "serve";
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(helpText());
    return 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    console.log(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  const config = loadConfig();
  // export writes its data to standard output, so its log goes to standard error.
  const logger = createLogger(config.logLevel, name === "export" ? process.stderr : undefined);
  try {
    return await command(config, logger);
  } catch (error) {
    if (error instanceof ConfigError) throw error; // printed as at start: the message alone, exit 2
    // One line an operator can act on: what failed, where, why, and what to do.
    const failure = describeStartupFailure(error, config);
    if (failure === undefined) logger.fatal({ err: error }, `keygate ${name} failed`);
    else logger.fatal({ host: failure.host, cause: failure.cause, hint: failure.hint }, failure.msg);
    return 1;
  }
}

/** Runs a command's work on the configured store (the schema checked, or migrated, as serving does), then closes it. */
async function withStore(config: Config, work: (store: Store) => Promise<void>): Promise<number> {
  // Imported per command: at the top, serving would load them before the database starts.
  const { openStore } = await import("./store/open-store.js");
  const store = await openStore(databaseTarget(config), config.nodeId, { migrate: config.autoMigrate });
  try {
    await work(store);
  } finally {
    await store.close();
  }
  return 0;
}

/** package.json lies one folder up from both src/main.ts and the bundle dist/main.js. */
function version(): string {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return version;
}

/**
 * The embedded database starts first, and the rest of keygate is loaded while it does: its WASM
 * compile and data dir reads overlap the module loading instead of following it.
 */
async function serve(config: Config, logger: Logger): Promise<Keygate> {
  const target = startEmbeddedEarly(databaseTarget(config));
  const { startKeygate } = await import("./keygate.js");
  return startKeygate(config, logger, target);
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      resolve(signal);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error("keygate failed before its configuration was read:", error);
    process.exit(1);
  },
);
