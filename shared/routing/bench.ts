// Router benchmark (DESIGN section 12, RouteLLM's metrics): on held-out battles between the strong and the weak
// model, sending a prompt to the strong model is worth 1 if it won, ½ on a tie, 0 if it lost, and the weak model the
// complement. For a threshold, r = mean utility of the routed answers; PGR = (r − r_weak)/(r_strong − r_weak); the
// curve has 11 thresholds at score quantiles (strong shares 0, 0.1, …, 1); APGR is the trapezoid area under PGR
// against the realised strong share; CPT(x) is the strong share at which the curve first reaches PGR x.
import { Rng } from "../ratings/rng";
import { strongUtility, type RouterBattle } from "./battles";
import {
  calibrateThreshold,
  loadRouter,
  ROUTER_NAMES,
  trainRouter,
  type RouterName,
  type TrainOptions,
} from "./routers";

export const BENCH_SCHEMA = "arena-router-bench/v1";
export const CPT_LEVELS = ["20", "50", "80"] as const;

export interface RouterEvaluation {
  /** [strong share, PGR] for the 11 quantile thresholds, by share. */
  curve: [number, number][];
  apgr: number;
  cpt: Record<(typeof CPT_LEVELS)[number], number | null>;
}

/** Held-out split: each battle goes to test with probability testShare, from one seeded stream in input order. */
export function splitBattles<T>(battles: readonly T[], testShare: number, seed: number): { train: T[]; test: T[] } {
  if (!(testShare > 0 && testShare < 1)) throw new RangeError("testShare must be in (0, 1)");
  const rng = new Rng((seed ^ 0x73706c74) >>> 0);
  const train: T[] = [];
  const test: T[] = [];
  for (const b of battles) (rng.next() < testShare ? test : train).push(b);
  return { train, test };
}

/** r for one threshold: strong utilities where s ≥ t, weak utilities elsewhere. */
function routedUtility(
  scores: ArrayLike<number>,
  utilities: ArrayLike<number>,
  t: number,
): { r: number; share: number } {
  let r = 0;
  let k = 0;
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i] as number) >= t) {
      r += utilities[i] as number;
      k++;
    } else r += 1 - (utilities[i] as number);
  }
  return { r: r / scores.length, share: k / scores.length };
}

/** PGR curve, APGR and CPT of one router's scores on prompts with the given strong utilities. */
export function evaluateScores(scores: ArrayLike<number>, utilities: ArrayLike<number>): RouterEvaluation {
  const n = scores.length;
  if (n === 0 || utilities.length !== n)
    throw new Error("evaluateScores: need as many utilities as scores, at least one");
  // Summed in the same order as routedUtility, so the curve's end points are exactly (0, 0) and (1, 1).
  let rStrong = 0;
  let rWeak = 0;
  for (let i = 0; i < n; i++) {
    rStrong += utilities[i] as number;
    rWeak += 1 - (utilities[i] as number);
  }
  rStrong /= n;
  rWeak /= n;
  const gap = rStrong - rWeak;
  const curve: [number, number][] = [];
  for (let q = 0; q <= 10; q++) {
    // Share 0 is "everything to the weak model", even when some score is 1.
    const t = q === 0 ? Infinity : calibrateThreshold(scores, q / 10);
    const { r, share } = routedUtility(scores, utilities, t);
    curve.push([share, gap !== 0 ? (r - rWeak) / gap : NaN]);
  }
  curve.sort((x, y) => x[0] - y[0]);
  let apgr = 0;
  for (let i = 1; i < curve.length; i++) {
    const [x0, y0] = curve[i - 1]!;
    const [x1, y1] = curve[i]!;
    apgr += ((x1 - x0) * (y0 + y1)) / 2;
  }
  const span = curve[curve.length - 1]![0] - curve[0]![0];
  if (span > 0 && span < 1) apgr /= span;
  const cpt = Object.fromEntries(CPT_LEVELS.map((l) => [l, cptAt(curve, Number(l) / 100)])) as RouterEvaluation["cpt"];
  return { curve, apgr, cpt };
}

/** The smallest strong share where the (linearly interpolated) curve reaches PGR x; null if it never does. */
export function cptAt(curve: readonly [number, number][], x: number): number | null {
  for (let i = 0; i < curve.length; i++) {
    const [s1, p1] = curve[i]!;
    if (!(p1 >= x)) continue;
    if (i === 0) return s1;
    const [s0, p0] = curve[i - 1]!;
    return p1 === p0 ? s1 : s0 + ((x - p0) * (s1 - s0)) / (p1 - p0);
  }
  return null;
}

export interface BenchOptions {
  strong: string;
  weak: string;
  embedder: { id: string; dim: number };
  testShare?: number;
  seed?: number;
  routers?: readonly RouterName[];
  train?: Partial<Omit<TrainOptions, "strong" | "weak" | "embedder" | "seed">>;
}

export interface BenchResult {
  schema: typeof BENCH_SCHEMA;
  strong: string;
  weak: string;
  /** Training battles (all pairs) and held-out battles between strong and weak. */
  train: number;
  test: number;
  routers: ({ router: RouterName } & RouterEvaluation)[];
}

const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x);

/** Trains every router on the training share and evaluates it on the held-out strong-vs-weak battles. */
export function benchRouters(
  battles: readonly RouterBattle[],
  embeddings: readonly Float32Array[],
  o: BenchOptions,
): BenchResult {
  const idx = splitBattles(
    battles.map((_, i) => i),
    o.testShare ?? 0.2,
    o.seed ?? 0,
  );
  const train = idx.train.map((i) => battles[i]!);
  const trainEmb = idx.train.map((i) => embeddings[i]!);
  const test = idx.test.filter((i) => strongUtility(battles[i]!, o.strong, o.weak) !== null);
  if (test.length === 0) throw new Error(`no held-out battles between ${o.strong} and ${o.weak}`);
  const utilities = test.map((i) => strongUtility(battles[i]!, o.strong, o.weak)!);
  const results: BenchResult["routers"] = [];
  for (const name of o.routers ?? ROUTER_NAMES) {
    const router = loadRouter(
      trainRouter(name, train, trainEmb, {
        ...o.train,
        strong: o.strong,
        weak: o.weak,
        embedder: o.embedder,
        seed: o.seed,
      }),
    );
    const scores = test.map((i) => router.score(battles[i]!.prompt, embeddings[i]!));
    const ev = evaluateScores(scores, utilities);
    results.push({
      router: name,
      apgr: r4(ev.apgr),
      cpt: {
        "20": ev.cpt["20"] === null ? null : r4(ev.cpt["20"]),
        "50": ev.cpt["50"] === null ? null : r4(ev.cpt["50"]),
        "80": ev.cpt["80"] === null ? null : r4(ev.cpt["80"]),
      },
      curve: ev.curve.map(([s, p]) => [r4(s), r4(p)]),
    });
  }
  return {
    schema: BENCH_SCHEMA,
    strong: o.strong,
    weak: o.weak,
    train: train.length,
    test: test.length,
    routers: results,
  };
}
