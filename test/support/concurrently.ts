/**
 * Runs `work` for 0 … count-1 with at most `concurrency` of them running at a time, for seeding many
 * objects: Postgres takes several commands at once (on different connections), the embedded
 * database queues them. Resolves with the results in index order.
 */
export async function concurrently<T>(count: number, concurrency: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}
