// The `provisional` rule (issue 7, after "The Leaderboard Illusion", Singh et al. 2025): a provider that tests
// many private variants at once and releases the best one publishes a score inflated by that selection; fresh
// post-release votes wash the bias out. So a leaderboard entry is marked `provisional: true` while
//   its provider had more than N private variants in testing at the same time (around the model's own testing and
//   release), AND the model has fewer than M post-release votes        (defaults N = 10, M = 2,000).
// Pure functions: the inputs (parallel private variants per provider, post-release vote counts) and the decision.
// Used by /api/transparency and meant for the cron that marks leaderboard entries (docs/provider-transparency.md).

const DAY_MS = 86_400_000;

export interface ProvisionalPolicy {
  /** N: more parallel private variants than this makes a release provisional. */
  maxParallel: number;
  /** M: post-release votes needed before the mark goes away. */
  minPostReleaseVotes: number;
  /** How far before the model's testing start (or its release, if never private) parallel variants count. */
  lookbackDays: number;
}

export const DEFAULT_PROVISIONAL_POLICY: ProvisionalPolicy = {
  maxParallel: 10,
  minPostReleaseVotes: 2000,
  lookbackDays: 30,
};

/** The policy from the Worker vars (PROVISIONAL_MAX_PARALLEL, PROVISIONAL_MIN_VOTES, PROVISIONAL_LOOKBACK_DAYS). */
export function provisionalPolicy(vars: {
  PROVISIONAL_MAX_PARALLEL?: unknown;
  PROVISIONAL_MIN_VOTES?: unknown;
  PROVISIONAL_LOOKBACK_DAYS?: unknown;
}): ProvisionalPolicy {
  const num = (v: unknown, fallback: number) => {
    const n = typeof v === "string" || typeof v === "number" ? Number(v) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  const d = DEFAULT_PROVISIONAL_POLICY;
  return {
    maxParallel: num(vars.PROVISIONAL_MAX_PARALLEL, d.maxParallel),
    minPostReleaseVotes: num(vars.PROVISIONAL_MIN_VOTES, d.minPostReleaseVotes),
    lookbackDays: num(vars.PROVISIONAL_LOOKBACK_DAYS, d.lookbackDays),
  };
}

/** A private testing period: from entering testing to its release or retirement (null end: still testing). */
export interface TestPeriod {
  start: number;
  end: number | null;
}

/** A model's lifecycle fields, as stored (shared/models/lifecycle.ts). */
export interface LifecycleTimes {
  testingStartedAt?: number | null;
  releasedAt?: number | null;
  deprecatedAt?: number | null;
}

/** The model's private testing period, or null if it never was private. */
export function testPeriod(m: LifecycleTimes): TestPeriod | null {
  if (m.testingStartedAt == null) return null;
  const ends = [m.releasedAt, m.deprecatedAt].filter((t): t is number => t != null && t >= m.testingStartedAt!);
  return { start: m.testingStartedAt, end: ends.length ? Math.min(...ends) : null };
}

/**
 * The largest number of periods in progress at one instant within [from, to] (a period covers [start, end); an
 * open one runs on). Sweep over the boundaries: ends before starts at the same instant, so back-to-back variants
 * do not count as parallel.
 */
export function maxParallel(periods: readonly TestPeriod[], from: number, to: number): number {
  const events: [number, number][] = [];
  for (const p of periods) {
    const start = Math.max(p.start, from);
    const end = Math.min(p.end ?? Infinity, to === Infinity ? Infinity : to + 1);
    if (end <= start) continue;
    events.push([start, 1]);
    if (end !== Infinity) events.push([end, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let best = 0;
  for (const [, delta] of events) {
    now += delta;
    best = Math.max(best, now);
  }
  return best;
}

export interface ProvisionalInputs {
  /** The provider's private variants in testing at once, at the busiest instant of the model's window. */
  parallelPrivateVariants: number;
  /** Clean anonymous votes the model received since its release. */
  postReleaseVotes: number;
}

/**
 * The rule's inputs for one model. The window runs from `lookbackDays` before the model entered private testing
 * (or before its release if it was never private) to its release (or `now` while unreleased); `providerPeriods`
 * are the testing periods of every model of the same provider, this one included.
 */
export function provisionalInputs(
  model: LifecycleTimes,
  providerPeriods: readonly TestPeriod[],
  postReleaseVotes: number,
  policy: ProvisionalPolicy,
  now: number,
): ProvisionalInputs {
  const anchor = model.testingStartedAt ?? model.releasedAt ?? now;
  const from = anchor - policy.lookbackDays * DAY_MS;
  const to = model.releasedAt ?? now;
  return { parallelPrivateVariants: maxParallel(providerPeriods, from, to), postReleaseVotes };
}

export function isProvisional(inputs: ProvisionalInputs, policy: ProvisionalPolicy): boolean {
  return inputs.parallelPrivateVariants > policy.maxParallel && inputs.postReleaseVotes < policy.minPostReleaseVotes;
}
