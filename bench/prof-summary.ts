/**
 * Summarizes a .cpuprofile (from `npm run bench -- --profile=<scenario id>` or node --cpu-prof):
 * self time by function, inclusive time by function, and self time by package.
 *   npx tsx bench/prof-summary.ts bench/results/<file>.cpuprofile [top=25] [filter-regexp]
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, filterArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: prof-summary.ts <file.cpuprofile> [top] [filter]");
  process.exit(2);
}
const top = Number(topArg ?? 25);
const filter = filterArg ? new RegExp(filterArg) : undefined;
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Source maps of bundled files (the bench runs its servers as esbuild bundles), by the bundle's URL. */
const sourceMaps = new Map<string, SourceMap | undefined>();
function sourceMapOf(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    const mapFile = url.startsWith("file://") ? `${fileURLToPath(url)}.map` : "";
    sourceMaps.set(url, mapFile && existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8"))) : undefined);
  }
  return sourceMaps.get(url);
}

/** Where a frame's code was written: through the bundle's source map when there is one. */
function located(frame: Node["callFrame"]): { url: string; lineNumber: number } {
  const map = frame.url ? sourceMapOf(frame.url) : undefined;
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (!entry?.originalSource) return frame;
  const source = entry.originalSource.startsWith("file://") ? entry.originalSource : pathToFileURL(resolve(dirname(fileURLToPath(frame.url)), entry.originalSource)).href;
  return { url: source, lineNumber: entry.originalLine ?? frame.lineNumber };
}

function shortUrl(url: string): string {
  if (!url) return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const root = url.indexOf("/work/main/");
  if (root >= 0) return url.slice(root + "/work/main/".length);
  return url.replace(/^file:\/\//, "");
}
function key(n: Node): string {
  const { url, lineNumber } = located(n.callFrame);
  return `${n.callFrame.functionName || "(anonymous)"} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ""}`;
}
function pkg(n: Node): string {
  const { url } = located(n.callFrame);
  if (!url) return n.callFrame.functionName.startsWith("(") ? n.callFrame.functionName : "(native)";
  if (url.startsWith("node:")) return url.split("/").slice(0, 2).join("/").replace(/^node:internal\/?/, "node:internal/").replace(/\/$/, "");
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const root = url.indexOf("/work/main/");
  if (root >= 0) return url.slice(root + "/work/main/".length).split("/").slice(0, 2).join("/");
  return url;
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  self.set(key(n), (self.get(key(n)) ?? 0) + us);
  packages.set(pkg(n), (packages.get(pkg(n)) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)").reduce((a, [, us]) => a + us, 0);
const busy = totalUs - idle;
const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (% of non-idle ${(busy / 1000).toFixed(0)} ms; idle ${(idle / 1000).toFixed(0)} ms)`);
  [...map]
    .filter(([k]) => !k.startsWith("(idle)") && !k.startsWith("(root)") && (!filter || filter.test(k)))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, us]) => console.log(`  ${pct(us)}  ${k}`));
};
print("self time by package", packages);
print("self time by function", self);
print("inclusive time by function", inclusive);
