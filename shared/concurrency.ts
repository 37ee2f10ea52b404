/**
 * `work` over every item, at most `concurrency` at a time, answers in the items' order. For
 * DynamoDB writes that have no batch form (conditional puts): parallel enough to be quick, bounded
 * so that a large batch does not open hundreds of connections at once.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
