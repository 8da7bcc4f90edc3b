// Model lifecycle (DESIGN section 5): visibility `private` → `public` (the release) and status `testing` (private
// only) → `active` ⇄ `paused` → `deprecated`, with the timestamps the transparency report and the `provisional`
// rule read. One pure function serves the operator's PUT and the provider routes, so both stamp alike.
export type Visibility = "public" | "private";
export type Status = "testing" | "active" | "paused" | "deprecated";

export interface Lifecycle {
  /** When the model entered private testing (null: never private). */
  testingStartedAt: number | null;
  /** When it first became public (null: still unreleased). Post-release votes count from here. */
  releasedAt: number | null;
  /** Start of the current pause (null unless paused). */
  pausedAt: number | null;
  /** When it was deprecated (null unless deprecated), and why. */
  deprecatedAt: number | null;
  deprecationReason: string | null;
}

export interface LifecycleState extends Lifecycle {
  visibility: Visibility;
  status: Status;
}

export const NO_LIFECYCLE: Lifecycle = {
  testingStartedAt: null,
  releasedAt: null,
  pausedAt: null,
  deprecatedAt: null,
  deprecationReason: null,
};

/** The timestamps after a change to `next` at `now`; `prev` is undefined when the model is new. */
export function nextLifecycle(
  prev: (Partial<Lifecycle> & { visibility: Visibility; status: Status }) | undefined,
  next: { visibility: Visibility; status: Status; reason?: string | null },
  now: number,
): Lifecycle {
  const stayed = (s: Status) => prev?.status === s && next.status === s;
  return {
    testingStartedAt: prev?.testingStartedAt ?? (next.visibility === "private" ? now : null),
    releasedAt: prev?.releasedAt ?? (next.visibility === "public" ? now : null),
    pausedAt: next.status === "paused" ? (stayed("paused") ? (prev?.pausedAt ?? now) : now) : null,
    deprecatedAt: next.status === "deprecated" ? (stayed("deprecated") ? (prev?.deprecatedAt ?? now) : now) : null,
    deprecationReason:
      next.status === "deprecated"
        ? (next.reason ?? (stayed("deprecated") ? (prev?.deprecationReason ?? null) : null))
        : null,
  };
}

/**
 * The state an operator's write (PUT /api/admin/models/{id}) leaves a model in: the visibility and status asked for,
 * else the stored ones, else public and active; the timestamps follow from the change. `prev` is null for a new model.
 */
export function operatorLifecycle(
  prev: (Partial<Lifecycle> & { visibility: Visibility; status: Status }) | null,
  requested: { visibility?: Visibility; status?: Status; deprecationReason?: string | null },
  now: number,
): LifecycleState {
  const visibility = requested.visibility ?? prev?.visibility ?? "public";
  const status = requested.status ?? prev?.status ?? "active";
  return {
    visibility,
    status,
    ...nextLifecycle(prev ?? undefined, { visibility, status, reason: requested.deprecationReason }, now),
  };
}

/**
 * A provider's requested change, checked against the lifecycle rules; returns an error message or null.
 * - a private model is `testing` (or `paused`); releasing it (visibility → public) makes it `active`;
 * - a public model is never made private again;
 * - `active` needs a public model, `testing` a private one;
 * - a deprecated (retired) model stays retired: only the operator can bring it back.
 */
export function transitionError(
  prev: { visibility: Visibility; status: Status },
  next: { visibility: Visibility; status: Status },
): string | null {
  if (prev.status === "deprecated" && next.status !== "deprecated") {
    return "this model is retired; ask the operator to restore it";
  }
  if (prev.visibility === "public" && next.visibility === "private") {
    return "a released (public) model cannot be made private again";
  }
  if (next.status === "testing" && next.visibility !== "private") return "status 'testing' is for private models";
  if (next.status === "active" && next.visibility !== "public") {
    return "a private model is 'testing' until released (set visibility to 'public')";
  }
  return null;
}

/** The status a model takes when its visibility changes and no status was asked for. */
export function defaultStatus(visibility: Visibility, current?: Status): Status {
  if (current === "paused" || current === "deprecated") return current;
  return visibility === "private" ? "testing" : "active";
}
