import { ConfigError, helpText, loadConfig, type Config } from "./config.js";
import type { Keygate } from "./keygate.js";
import { createLogger, type Logger } from "./logger.js";
import { databaseTarget, startEmbeddedEarly } from "./store/database.js";

/** keygate's command line: serve (default), rebuild-projections, --help. */
async function main(args: string[]): Promise<number> {
  const command = args[0] ?? "serve";
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(helpText());
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  if (command === "rebuild-projections") {
    // Imported for this command only: at the top, serving would load them before the database starts.
    const [{ openStore }, { rebuildProjections }] = await Promise.all([import("./store/open-store.js"), import("./store/rebuild.js")]);
    const store = await openStore(databaseTarget(config), config.nodeId);
    try {
      const result = await rebuildProjections(store.db, store.projector);
      logger.info(result, "projections rebuilt from the events");
    } finally {
      await store.close();
    }
    return 0;
  }
  if (command !== "serve") {
    console.error(`unknown command "${command}"\n\n${helpText()}`);
    return 2;
  }

  const keygate = await serve(config, logger);
  const signal = await nextSignal();
  logger.info({ signal }, "shutting down");
  // A second signal means "now": skip the rest of the drain.
  void nextSignal().then((again) => {
    logger.warn({ signal: again }, "second signal, exiting without waiting for calls in flight");
    process.exit(1);
  });
  await keygate.close();
  logger.info("stopped");
  return 0;
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
    console.error("keygate failed to start:", error);
    process.exit(1);
  },
);
