import { build } from "esbuild";

/**
 * The packages the bundle loads from node_modules at run time, which are therefore package.json's
 * run-time dependencies (everything else is bundled in): packages that load files lying next to
 * them (PGlite's WASM and data, argon2's native binary). pg's optional native binding, which is not
 * installed, is left out of the bundle too.
 */
export const bundleExternals = ["@electric-sql/pglite", "@node-rs/argon2"];

/**
 * Bundles `entry` and its dependencies into one ES module for Node: how keygate ships
 * (scripts/build-server.ts) and how the benchmarks run the servers they measure. No type checking
 * here: `npm run typecheck` does that (CI runs it).
 */
export async function bundleForNode(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    external: [...bundleExternals, "pg-native"],
    // Bundled CommonJS packages (pg, pino, prom-client) call require(); an ES module has none.
    // The shebang lets the bundle run as the package's `keygate` bin.
    banner: { js: `#!/usr/bin/env node\nimport { createRequire as createRequireOfBundle } from "node:module"; const require = createRequireOfBundle(import.meta.url);` },
    logLevel: "warning",
  });
}
