// Test helpers: BattleTables from literal rows, from the golden cell fixture, and seeded synthetic battles with
// known true ratings.
import { OUTCOME_CODE, type BattleTable, type Outcome } from "../../../shared/ratings/table";
import { Rng } from "../../../shared/ratings/rng";
import golden from "../../fixtures/golden/arena_140k_cells.json";

export type Row = [string, string, Outcome, number?];

export function tableFromRows(rows: Row[], categories: string[] = []): BattleTable {
  const models: string[] = [];
  const index = new Map<string, number>();
  const id = (m: string): number => {
    let i = index.get(m);
    if (i === undefined) {
      i = models.length;
      index.set(m, i);
      models.push(m);
    }
    return i;
  };
  const n = rows.length;
  const t: BattleTable = {
    length: n,
    models,
    modelA: new Uint16Array(n),
    modelB: new Uint16Array(n),
    outcome: new Uint8Array(n),
    categories,
    categoryBits: new Uint32Array(n),
    style: null,
    samplingProbability: null,
    latestTstamp: null,
  };
  rows.forEach(([a, b, o, bits], i) => {
    t.modelA[i] = id(a);
    t.modelB[i] = id(b);
    t.outcome[i] = OUTCOME_CODE[o];
    t.categoryBits[i] = bits ?? 0;
  });
  return t;
}

/** Reorder rows by a permutation and the model list by another (as a parser meeting names in another order would). */
export function permuteTable(t: BattleTable, seed: number): BattleTable {
  const rng = new Rng(seed);
  const n = t.length;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const x = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = x;
  }
  const M = t.models.length;
  const mperm = Array.from({ length: M }, (_, i) => i).reverse(); // new index of old model m = M-1-m
  const models = mperm.map((_, newIdx) => t.models[M - 1 - newIdx] as string);
  const out: BattleTable = {
    ...t,
    models,
    modelA: new Uint16Array(n),
    modelB: new Uint16Array(n),
    outcome: new Uint8Array(n),
    categoryBits: new Uint32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const s = perm[i] as number;
    out.modelA[i] = M - 1 - (t.modelA[s] as number);
    out.modelB[i] = M - 1 - (t.modelB[s] as number);
    out.outcome[i] = t.outcome[s] as number;
    out.categoryBits[i] = t.categoryBits[s] as number;
  }
  return out;
}

/** The golden 135,634 battles (from the aggregated fixture; row order = fixture cell order). */
export function goldenTable(): BattleTable {
  const cells = golden.cells as number[][];
  let n = 0;
  for (const c of cells) n += c[4] as number;
  const t: BattleTable = {
    length: n,
    models: [...golden.models],
    modelA: new Uint16Array(n),
    modelB: new Uint16Array(n),
    outcome: new Uint8Array(n),
    categories: [...golden.categories],
    categoryBits: new Uint32Array(n),
    style: null,
    samplingProbability: null,
    latestTstamp: null,
  };
  let r = 0;
  for (const [a, b, o, bits, count] of cells) {
    for (let k = 0; k < (count as number); k++, r++) {
      t.modelA[r] = a as number;
      t.modelB[r] = b as number;
      t.outcome[r] = o as number;
      t.categoryBits[r] = bits as number;
    }
  }
  return t;
}

export const GOLDEN_BATTLES = golden.battles;

/**
 * Synthetic battles: `nModels` models with true ratings spread over ±spread around 1000 (mean exactly 1000),
 * pairs drawn uniformly (a ≠ b), a tie with probability `tieRate` (half each kind), otherwise A wins with the
 * BT probability. Ties count ½ in the model, so this generator is consistent with the BT likelihood in the
 * sense that E[score] = P for the non-tie part and ½ for ties only when P=½; for coverage tests use tieRate 0.
 */
export function syntheticTable(
  nModels: number,
  nBattles: number,
  seed: number,
  opts: { spread?: number; tieRate?: number } = {},
): { table: BattleTable; truth: Float64Array } {
  const rng = new Rng(seed);
  const spread = opts.spread ?? 200;
  const tieRate = opts.tieRate ?? 0;
  const truth = new Float64Array(nModels);
  let mean = 0;
  for (let m = 0; m < nModels; m++) {
    truth[m] = 1000 + spread * (2 * rng.next() - 1);
    mean += truth[m] as number;
  }
  mean /= nModels;
  for (let m = 0; m < nModels; m++) truth[m] = (truth[m] as number) - mean + 1000;
  const t: BattleTable = {
    length: nBattles,
    models: Array.from({ length: nModels }, (_, m) => `model-${String(m).padStart(3, "0")}`),
    modelA: new Uint16Array(nBattles),
    modelB: new Uint16Array(nBattles),
    outcome: new Uint8Array(nBattles),
    categories: [],
    categoryBits: new Uint32Array(nBattles),
    style: null,
    samplingProbability: null,
    latestTstamp: null,
  };
  for (let i = 0; i < nBattles; i++) {
    const a = Math.floor(rng.next() * nModels);
    let b = Math.floor(rng.next() * (nModels - 1));
    if (b >= a) b++;
    t.modelA[i] = a;
    t.modelB[i] = b;
    const u = rng.next();
    if (u < tieRate) {
      t.outcome[i] = u < tieRate / 2 ? 2 : 3;
    } else {
      const p = 1 / (1 + Math.pow(10, ((truth[b] as number) - (truth[a] as number)) / 400));
      t.outcome[i] = rng.next() < p ? 0 : 1;
    }
  }
  return { table: t, truth };
}
