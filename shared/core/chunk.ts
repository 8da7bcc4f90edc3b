// The one way to split a list into fixed-size slices: D1 statements (d1/chunks.ts sizes them by bound parameters)
// and queue sendBatch calls (queues/limits.ts) both go through it.

/** `items` in order, in slices of at most `size` (at least 1). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size must be a positive integer, not ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
