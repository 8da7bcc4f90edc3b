// Shared helpers for the unit tests in this folder (not a test file itself).
import type { ModelRecord } from "../shared/models";

export const DAY_MS = 86_400_000;
/** A fixed "now" so that model ages are exact. */
export const NOW = Date.UTC(2025, 0, 15);

/** A complete ModelRecord with neutral defaults; tests override only what they care about. */
export function makeModel(id: string, overrides: Partial<ModelRecord> = {}): ModelRecord {
  return {
    id,
    name: `Model ${id}`,
    organization: `Org ${id}`,
    license: "MIT",
    aliases: [],
    provider: "demo",
    baseUrl: null,
    upstreamModel: "terse",
    apiKeySecret: null,
    samplingWeight: 1,
    visibility: "public",
    codename: null,
    status: "active",
    modes: ["battle", "side-by-side", "chat"],
    params: {},
    // Old enough never to get the new-model boost unless a test says otherwise.
    createdAt: NOW - 365 * DAY_MS,
    updatedAt: NOW - 365 * DAY_MS,
    ...overrides,
  };
}

export { mulberry32 } from "../shared/core/random";

/** A random source that replays the given values in order and fails loudly if more are requested. */
export function scripted(values: readonly number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`scripted random exhausted after ${values.length} values`);
    return values[i++]!;
  };
}
