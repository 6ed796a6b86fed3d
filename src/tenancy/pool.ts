/**
 * Runs `worker` over `items`, at most `concurrency` at a time; once `stop()` is true no further
 * item starts. Used by the CLI's bulk commands and the admin panel's migration job.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stop()) await worker(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
