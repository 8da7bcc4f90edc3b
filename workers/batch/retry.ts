/** Exponential backoff for a failed batch: 2, 4, 8 … seconds, at most 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));
