/**
 * Builds the browser console into dist/console/ (what consoleRoutes serves):
 * console/src/main.ts bundled by esbuild into app.js, plus index.html,
 * style.css and favicon.svg as they are. Run by `npm run build:console`, and
 * so by prestart, pretest and build. Takes well under a second.
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { defaultConsoleDir } from "../src/server/console-routes.js";

const source = (name: string) => fileURLToPath(new URL(`../console/${name}`, import.meta.url));
const outDir = defaultConsoleDir;

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await build({
  entryPoints: [source("src/main.ts")],
  outfile: `${outDir}/app.js`,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
await Promise.all(["index.html", "style.css", "favicon.svg"].map((name) => copyFile(source(name), `${outDir}/${name}`)));
console.log(`console built into ${outDir}`);
