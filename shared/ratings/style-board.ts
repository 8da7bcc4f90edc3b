// A board's style-controlled ratings (DESIGN sections 6 and 7): the style-control fit on the board's battle rows
// (the same models as the raw board), a percentile bootstrap over battle rows, ranks from the intervals, and the
// coefficients (one per style feature of the table: the default four, or e.g. five with emoji) with their
// intervals. Rows without style counts (NaN in any of the table's features) are left out of this fit.
//
// Split in three so a host with threads can spread the bootstrap: prepareStyleBoard (the design and the full
// fit), styleRounds (any range of rounds: each round is seeded by its own key, so the split never changes the
// result) and finishStyleBoard (percentiles, ranks, output). computeStyleBoard runs them in one thread.
import { rowPasses, type RowFilter } from "./aggregate";
import { bootstrapKey, ranksFromIntervals } from "./bootstrap";
import type { BoardResult } from "./board";
import { identifiability } from "./bt";
import type { PairStats } from "./pairs";
import { roundOutput } from "./board";
import { hashString32, Rng } from "./rng";
import { alignRound, quantileSorted, thetaToRatings, type Anchor } from "./scale";
import { fitStyleControl, styleDesign, type StyleDesign } from "./style-control";
import { styleFeaturesOf, type BattleTable, type StyleFeature } from "./table";

export interface StyleBoardOptions {
  name: string;
  filter: RowFilter;
  bootstrap: number;
  seed: number | string;
  level: number;
  l2: number;
  anchor: Anchor | null;
}

export interface StyleBoard {
  models: {
    model: string;
    rating: number;
    ci: [number, number] | null;
    votes: number;
    rank: number;
    /** The style fit's own rows do not pin this rating down (the raw boards' rule, bt.ts `identifiability`). */
    provisional?: true;
  }[];
  /** One entry per feature of the fit (`StylePrep.features`), in canonical order. */
  coefficients: Partial<Record<StyleFeature, number>>;
  coefficientsCi: Partial<Record<StyleFeature, [number, number]>> | null;
  battles: number;
}

/** Everything the bootstrap rounds need; plain typed arrays and numbers, so it can be sent to a worker thread. */
export interface StylePrep {
  name: string;
  seed: number | string;
  l2: number;
  /** The style features of the fit, in the order of the design's columns and γ. */
  features: readonly StyleFeature[];
  design: StyleDesign;
  /** Full-data solution (θ then γ), the warm start of every round. */
  start: Float64Array;
  /** Full-data ratings, the scale every round is aligned to. */
  ratings: Float64Array;
  anchorIndex: number;
  /** Per board model, 1 when the fit's rows do not pin its rating down; null when every rating is pinned down. */
  provisional: Uint8Array | null;
}

export interface StyleRounds {
  /** rounds × models ratings (NaN for a model absent from a round). */
  samples: Float64Array;
  /** rounds × P coefficients (P = the number of style features). */
  gammas: Float64Array;
}

/** θ here is on the log10-odds scale (logit = ln10·Δθ); the shared scaling works in natural logits. */
const natural = (theta: Float64Array) => theta.map((t) => t * Math.LN10);

export function prepareStyleBoard(table: BattleTable, raw: BoardResult["raw"], opts: StyleBoardOptions): StylePrep {
  const M = raw.models.length;
  const modelOf = new Int32Array(table.models.length).fill(-1);
  raw.cells.tableIndex.forEach((t, k) => (modelOf[t] = k));
  const style = table.style;
  if (!style) throw new Error("style control needs style counts (conv_metadata)");
  const { modelA, modelB } = table;
  const features = styleFeaturesOf(table);
  const P = features.length;
  // A row is in the fit when it has every feature: rows without counts are NaN throughout, and a row without
  // an emoji count (from before emoji were counted) is NaN in that column only.
  const complete = (i: number) => {
    for (let f = 0; f < P; f++) if (Number.isNaN(style[i * P + f]!)) return false;
    return true;
  };
  const inFit = (i: number) =>
    rowPasses(table, i, opts.filter) && complete(i) && modelOf[modelA[i]!]! >= 0 && modelOf[modelB[i]!]! >= 0;
  let n = 0;
  for (let i = 0; i < table.length; i++) if (inFit(i)) n++;
  // Every row in the fit (the overall board): no row list. Otherwise one list, in shared memory when the table
  // is shared (CLI threads then read it without a copy).
  let rows: Uint32Array | null = null;
  if (n < table.length) {
    const shared = typeof SharedArrayBuffer !== "undefined" && modelA.buffer instanceof SharedArrayBuffer;
    rows = shared ? new Uint32Array(new SharedArrayBuffer(n * 4) as unknown as ArrayBuffer) : new Uint32Array(n);
    for (let i = 0, k = 0; i < table.length; i++) if (inFit(i)) rows[k++] = i;
  }
  const design = styleDesign(table, rows, modelOf, M);
  const full = fitStyleControl(design, { l2: opts.l2 });
  const { ratings } = thetaToRatings(natural(full.theta), raw.models, opts.anchor);
  return {
    name: opts.name,
    seed: opts.seed,
    l2: opts.l2,
    features: [...features],
    design,
    start: Float64Array.from([...full.theta, ...full.gamma]),
    ratings,
    anchorIndex: opts.anchor ? raw.models.indexOf(opts.anchor.model) : -1,
    provisional: styleProvisional(design),
  };
}

/**
 * Which ratings the style fit's rows cannot pin down: the raw boards' rule (bt.ts `identifiability`: outside the
 * main strongly connected component of who beat whom, a tie linking both ways) applied to exactly the rows of this
 * fit, which leaves out rows without style counts. The penalty keeps such ratings finite, not meaningful.
 * One pass over the rows into per-pair sufficient statistics (a dense pair index for up to 1024 models).
 */
function styleProvisional(design: StyleDesign): Uint8Array | null {
  const M = design.models;
  const { rows, modelA, modelB, modelOf, outcome } = design;
  const dense = M * M <= 1 << 20 ? new Int32Array(M * M).fill(-1) : null;
  const sparse = dense ? null : new Map<number, number>();
  const pi: number[] = [];
  const pj: number[] = [];
  const wins: number[] = [];
  const total: number[] = [];
  for (let k = 0; k < design.length; k++) {
    const r = rows === null ? k : rows[k]!;
    const a = modelOf[modelA[r]!]!;
    const b = modelOf[modelB[r]!]!;
    if (a === b) continue;
    const i = Math.min(a, b);
    const j = Math.max(a, b);
    const key = i * M + j;
    let p = dense ? dense[key]! : (sparse!.get(key) ?? -1);
    if (p < 0) {
      p = pi.length;
      if (dense) dense[key] = p;
      else sparse!.set(key, p);
      pi.push(i);
      pj.push(j);
      wins.push(0);
      total.push(0);
    }
    const o = outcome[r]!;
    const aWins = o === 0 ? 1 : o === 1 ? 0 : 0.5;
    wins[p]! += a === i ? aWins : 1 - aWins;
    total[p]!++;
  }
  const pairs: PairStats = {
    nModels: M,
    length: pi.length,
    i: Int32Array.from(pi),
    j: Int32Array.from(pj),
    wins: Float64Array.from(wins),
    total: Float64Array.from(total),
  };
  const ident = identifiability(pairs);
  return ident.exists ? null : ident.provisional;
}

/** Bootstrap rounds [from, to) of a prepared board. */
export function styleRounds(prep: StylePrep, from: number, to: number): StyleRounds {
  const { design } = prep;
  const M = design.models;
  const { rows, modelA, modelB, modelOf } = design;
  const n = design.length;
  const P = design.mean.length;
  const R = Math.max(0, to - from);
  const samples = new Float64Array(R * M);
  const gammas = new Float64Array(R * P);
  // How often each row was drawn. 16 bits: in n draws over n rows a count above 65,535 has probability ~0, but
  // it is checked, not assumed.
  const counts = new Uint16Array(n);
  const present = new Uint8Array(M);
  const row = new Float64Array(M);
  for (let r = 0; r < R; r++) {
    // A multinomial resample of the rows: n draws with replacement (8x faster than sequential binomials here).
    const rng = new Rng(hashString32(bootstrapKey(prep.seed, `${prep.name}|style`, from + r)));
    counts.fill(0);
    for (let k = 0; k < n; k++) {
      const j = Math.floor(rng.next() * n);
      const c = counts[j]! + 1;
      if (c > 0xffff) throw new Error("style bootstrap: a row drawn more than 65,535 times");
      counts[j] = c;
    }
    present.fill(0);
    for (let k = 0; k < n; k++) {
      if (counts[k]! > 0) {
        const i = rows === null ? k : rows[k]!;
        present[modelOf[modelA[i]!]!] = 1;
        present[modelOf[modelB[i]!]!] = 1;
      }
    }
    // Newton converges quadratically: after a step below 1e-4 the remaining error is ~1e-8 in θ (4e-6 rating
    // points), so the pass that would only confirm it is skipped.
    const fit = fitStyleControl(design, { l2: prep.l2, weights: counts, start: prep.start, tolerance: 1e-4 });
    alignRound(natural(fit.theta), present, prep.ratings, prep.anchorIndex, row);
    samples.set(row, r * M);
    gammas.set(fit.gamma, r * P);
  }
  return { samples, gammas };
}

export function finishStyleBoard(
  prep: StylePrep,
  raw: BoardResult["raw"],
  rounds: StyleRounds | null,
  level: number,
): StyleBoard {
  const M = raw.models.length;
  const { ratings, features } = prep;
  const P = features.length;
  let lower: Float64Array | null = null;
  let upper: Float64Array | null = null;
  let gammaCi: [number, number][] | null = null;
  const R = rounds ? rounds.gammas.length / P : 0;
  if (rounds && R > 0) {
    const q = (all: Float64Array, stride: number, k: number) => {
      const v = new Float64Array(R);
      let c = 0;
      for (let r = 0; r < R; r++) {
        const x = all[r * stride + k]!;
        if (!Number.isNaN(x)) v[c++] = x;
      }
      const s = v.subarray(0, c).sort();
      return [quantileSorted(s, (1 - level) / 2), quantileSorted(s, (1 + level) / 2)] as [number, number];
    };
    lower = new Float64Array(M);
    upper = new Float64Array(M);
    for (let k = 0; k < M; k++) [lower[k], upper[k]] = q(rounds.samples, M, k);
    gammaCi = features.map((_, f) => q(rounds.gammas, P, f));
  }
  const rank = ranksFromIntervals(lower ?? ratings, upper ?? ratings);
  const order = Array.from({ length: M }, (_, i) => i).sort((x, y) => ratings[y]! - ratings[x]! || x - y);
  const gamma = prep.start.subarray(M);
  const byFeature = <T>(f: (k: number) => T) =>
    Object.fromEntries(features.map((name, k) => [name, f(k)])) as Partial<Record<StyleFeature, T>>;
  return {
    battles: prep.design.length,
    models: order.map((k) => ({
      model: raw.models[k]!,
      rating: roundOutput(ratings[k]!),
      ci: lower && upper ? [roundOutput(lower[k]!), roundOutput(upper[k]!)] : null,
      votes: raw.votes[k]!,
      rank: rank[k]!,
      ...(prep.provisional?.[k] ? { provisional: true as const } : {}),
    })),
    coefficients: byFeature((k) => Math.round(gamma[k]! * 1e6) / 1e6),
    coefficientsCi: gammaCi
      ? byFeature((k) => gammaCi![k]!.map((x) => Math.round(x * 1e6) / 1e6) as [number, number])
      : null,
  };
}

/** Runs `rounds` bootstrap rounds of a prepared board; the CLI passes one that uses both cores. */
export type StyleRoundRunner = (prep: StylePrep, rounds: number) => Promise<StyleRounds>;

export const runRoundsInline: StyleRoundRunner = async (prep, rounds) => styleRounds(prep, 0, rounds);

export function computeStyleBoard(table: BattleTable, raw: BoardResult["raw"], opts: StyleBoardOptions): StyleBoard {
  const prep = prepareStyleBoard(table, raw, opts);
  const R = Math.max(0, Math.floor(opts.bootstrap));
  const rounds = R > 0 && prep.design.length > 0 ? styleRounds(prep, 0, R) : null;
  return finishStyleBoard(prep, raw, rounds, opts.level);
}
