// A canonical row order, so the style-controlled bootstrap does not depend on the order of the input rows (DESIGN
// section 7: "the result does not depend on threads or on row order"). The raw boards already draw over sorted
// cells; the style bootstrap draws battle rows, so the rows themselves are put in an order that depends only on
// their content: model A's name, model B's name, outcome, then the style features' and category bits' bit
// patterns. Rows equal under that key are interchangeable, so any order among them gives the same numbers.
// The table is permuted in place (cycle-following: no second copy of the columns, which would not fit a Worker at
// 3M battles); leaderboard.ts does it after the order-dependent online Elo has run.
import { styleWidth, type BattleTable } from "./table";

const COUNTING_SORT_LIMIT = 1 << 22; // (model pairs × outcomes) buckets counted densely up to 4M

/** Puts the table's rows in canonical order, in place. */
export function canonicalizeRows(table: BattleTable): void {
  const n = table.length;
  const perm = canonicalPermutation(table);
  applyPermutation(table, perm, n);
}

/** perm[i] = the index (in the current order) of the row that goes to position i. */
export function canonicalPermutation(table: BattleTable): Uint32Array {
  const n = table.length;
  const M = table.models.length;
  const byName = Array.from({ length: M }, (_, k) => k).sort((x, y) => {
    const a = table.models[x]!;
    const b = table.models[y]!;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const rank = new Uint32Array(M);
  byName.forEach((k, r) => (rank[k] = r));
  const { modelA, modelB, outcome, categoryBits } = table;
  const W = styleWidth(table);
  const bits = table.style ? new Uint32Array(table.style.buffer, table.style.byteOffset, n * W) : null;
  const bucketOf = (i: number) => (rank[modelA[i]!]! * M + rank[modelB[i]!]!) * 4 + outcome[i]!;
  // Within a (pair, outcome) bucket: style bit patterns, then category bits.
  const tieBreak = (x: number, y: number) => {
    if (bits) {
      for (let f = 0; f < W; f++) {
        const d = bits[x * W + f]! - bits[y * W + f]!;
        if (d !== 0) return d;
      }
    }
    return categoryBits[x]! - categoryBits[y]!;
  };
  const perm = new Uint32Array(n);
  const buckets = M * M * 4;
  if (buckets <= COUNTING_SORT_LIMIT) {
    const start = new Uint32Array(buckets + 1);
    for (let i = 0; i < n; i++) start[bucketOf(i) + 1]!++;
    for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
    const next = start.slice(0, buckets);
    for (let i = 0; i < n; i++) perm[next[bucketOf(i)]!++] = i;
    for (let b = 0; b < buckets; b++) {
      if (start[b + 1]! - start[b]! > 1) perm.subarray(start[b]!, start[b + 1]!).sort(tieBreak);
    }
  } else {
    for (let i = 0; i < n; i++) perm[i] = i;
    perm.sort((x, y) => bucketOf(x) - bucketOf(y) || tieBreak(x, y));
  }
  return perm;
}

/** Moves row perm[i] to position i for every column, following the permutation's cycles. */
function applyPermutation(table: BattleTable, perm: Uint32Array, n: number): void {
  const { modelA, modelB, outcome, categoryBits, style, samplingProbability: sp } = table;
  const done = new Uint8Array(n);
  const W = styleWidth(table);
  const keep = new Float32Array(W);
  for (let s = 0; s < n; s++) {
    if (done[s] || perm[s] === s) {
      done[s] = 1;
      continue;
    }
    const a = modelA[s]!;
    const b = modelB[s]!;
    const o = outcome[s]!;
    const c = categoryBits[s]!;
    const p = sp ? sp[s]! : 0;
    if (style) for (let f = 0; f < W; f++) keep[f] = style[s * W + f]!;
    let j = s;
    for (;;) {
      done[j] = 1;
      const k = perm[j]!;
      if (k === s) {
        modelA[j] = a;
        modelB[j] = b;
        outcome[j] = o;
        categoryBits[j] = c;
        if (sp) sp[j] = p;
        if (style) for (let f = 0; f < W; f++) style[j * W + f] = keep[f]!;
        break;
      }
      modelA[j] = modelA[k]!;
      modelB[j] = modelB[k]!;
      outcome[j] = outcome[k]!;
      categoryBits[j] = categoryBits[k]!;
      if (sp) sp[j] = sp[k]!;
      if (style) for (let f = 0; f < W; f++) style[j * W + f] = style[k * W + f]!;
      j = k;
    }
  }
}
