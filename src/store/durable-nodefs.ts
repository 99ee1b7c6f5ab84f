import { fsyncSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

type PostgresMod = Parameters<NodeFS["init"]>[1];
type NodeStream = { nfd: number };

/**
 * PGlite's Node filesystem (Emscripten's NODEFS) with fsync. NODEFS has no fsync of its own, so
 * Postgres' fsync of the WAL at commit reached nothing and returned success: without this, turning
 * fsync on would change nothing. With it, a commit is on disk when it is acknowledged, as on a
 * Postgres server.
 */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Partial<PostgresMod>) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const withFsync = (mod: PostgresMod) => {
      const streamOps = (mod.NODEFS as unknown as { stream_ops: { fsync?: (stream: NodeStream) => number } }).stream_ops;
      streamOps.fsync = (stream) => {
        fsyncSync(stream.nfd);
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), withFsync] } };
  }
}
