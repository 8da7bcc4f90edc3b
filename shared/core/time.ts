// Calendar helpers shared by the vote cap (durable-objects/vote-cap.ts) and the cron's prune pass.

/** The UTC day of a timestamp, `YYYY-MM-DD`: the key of a voter's daily vote counter. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
