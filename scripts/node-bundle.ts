import { build } from "esbuild";

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
    // Left in node_modules: packages that load files lying next to them at run time (PGlite's WASM
    // and data, argon2's native binary), and pg's optional native binding, which is not installed.
    external: ["@electric-sql/pglite", "@node-rs/argon2", "pg-native"],
    // Bundled CommonJS packages (pg, pino, prom-client) call require(); an ES module has none.
    banner: { js: `import { createRequire as createRequireOfBundle } from "node:module"; const require = createRequireOfBundle(import.meta.url);` },
    logLevel: "warning",
  });
}
