// The model pool as the edge sees it for one request: the registry plus the circuit breaker's pauses.
import { db, listModels, pausedModels } from "../../d1/queries";
import { ApiError } from "../../shared/core/errors";
import type { ModelRecord } from "../../shared/models";

export interface Pool {
  all: ModelRecord[];
  /** Model id → time the breaker lets it back in. */
  paused: Map<string, number>;
  now: number;
}

export async function loadPool(env: Env): Promise<Pool> {
  const d = db(env.DB);
  const now = Date.now();
  const [all, paused] = await Promise.all([listModels(d), pausedModels(d, now)]);
  return { all, paused, now };
}

export const isPaused = (pool: Pool, id: string) => pool.paused.has(id);

/** A named model the breaker paused: 503 with Retry-After, so clients know when to come back. */
export function assertNotPaused(pool: Pool, m: ModelRecord): void {
  const until = pool.paused.get(m.id);
  if (until === undefined) return;
  const seconds = Math.max(1, Math.ceil((until - pool.now) / 1000));
  throw new ApiError(503, "model_unavailable", `Model '${m.id}' is temporarily unavailable; try again later.`, {
    "retry-after": String(seconds),
  });
}
