// Cloudflare Queues limits the producers work within (developers.cloudflare.com/queues/platform/limits).

/** Messages per `Queue.sendBatch` call. */
export const QUEUE_SEND_BATCH_MAX = 100;
