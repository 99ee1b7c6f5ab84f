import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * Runs `work` for 0 … count-1 with at most `concurrency` of them running at a time, for seeding many
 * objects: Postgres takes several commands at once (on different connections), the embedded
 * database queues them. Resolves with the results in index order.
 *
 * Each piece of work waits for the event loop's next turn first. Commands run in-process on the
 * embedded database are microtasks from start to end, which would hold off every timer of the
 * process for the whole seeding, keygate's keep-alive timeouts among them: the first call after it
 * then met a connection that the server's overdue timeout closed just as the call was written
 * (ECONNRESET: seen with 300 apps on a busy machine, and every time after 6 s of microtasks only).
 */
export async function concurrently<T>(count: number, concurrency: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        await nextTurn();
        results[index] = await work(index);
      }
    }),
  );
  return results;
}
