// Binomial and multinomial sampling for the bootstrap. Why sequential binomials: a multinomial draw of N = 1M
// battles over a few thousand (pair, outcome) cells is done as one binomial per cell
// (count_k ~ Bin(N_left, p_k / p_left)), so a round costs O(cells), not O(battles). The binomial sampler is
// exact: inversion for small means, Hörmann's BTRS transformed rejection (1993) otherwise, both O(1) expected.
import type { Rng } from "./rng";

// Stirling-series tail fc(k) = ln k! − [ln√(2π) + (k+½)ln(k+1) − (k+1)], exact for k ≤ 9 (computed once here
// from the log-factorial so no magic constants), asymptotic series above.
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const FC_TABLE = new Float64Array(10);
{
  let lf = 0;
  for (let k = 0; k < 10; k++) {
    if (k > 0) lf += Math.log(k);
    FC_TABLE[k] = lf - (LN_SQRT_2PI + (k + 0.5) * Math.log(k + 1) - (k + 1));
  }
}

function stirlingTail(k: number): number {
  if (k < 10) return FC_TABLE[k] as number;
  const kp1sq = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

/** One draw from Binomial(n, p); n a non-negative integer. */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  if (n * p < 10) return binomialInversion(rng, n, p);
  return binomialBtrs(rng, n, p);
}

// Inversion by the pmf recurrence P(x+1) = P(x)·(n−x)/(x+1)·p/q; used when n·p < 10 so q^n ≥ e^−10·… never
// underflows and the expected number of steps is ~n·p.
function binomialInversion(rng: Rng, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  let r = Math.pow(q, n);
  let u = rng.next();
  let x = 0;
  while (u > r) {
    u -= r;
    x++;
    if (x > n) return n; // rounding guard
    r *= a / x - s;
    if (r <= 0) return x; // rounding guard at the far tail
  }
  return x;
}

// BTRS (Hörmann 1993, "The generation of binomial random variates"), valid for n·p ≥ 10, p ≤ ½.
function binomialBtrs(rng: Rng, n: number, p: number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const r = p / q;
  const alpha = (2.83 + 5.1 / b) * spq;
  const m = Math.floor((n + 1) * p);
  const lpq = Math.log(r);
  const h = stirlingTail(m) + stirlingTail(n - m);
  for (;;) {
    const u = rng.next() - 0.5;
    let v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    const bound =
      h -
      stirlingTail(k) -
      stirlingTail(n - k) +
      (m + 0.5) * Math.log((m + 1) / (n - m + 1)) +
      (n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
      (k + 0.5) * Math.log((n - k + 1) / (k + 1)) +
      (k - m) * lpq;
    if (v <= bound) return k;
  }
}

/**
 * Multinomial(total, weights/sum(weights)) into `out` (same length as weights), by sequential binomials in
 * index order, so the draw depends only on the rng stream and the cell order (callers pass cells sorted).
 */
export function multinomial(
  rng: Rng,
  total: number,
  weights: Float64Array,
  out: Float64Array,
  len = weights.length,
): void {
  let left = total;
  let wLeft = 0;
  let last = -1; // the last cell with positive weight takes whatever is left (no loss to rounding)
  for (let i = 0; i < len; i++) {
    const w = weights[i] as number;
    if (w > 0) {
      wLeft += w;
      last = i;
    }
  }
  for (let i = 0; i < len; i++) {
    const w = weights[i] as number;
    if (left <= 0 || w <= 0) {
      out[i] = 0;
      continue;
    }
    if (i === last || w >= wLeft) {
      out[i] = left;
      left = 0;
      continue;
    }
    const k = binomial(rng, left, w / wLeft);
    out[i] = k;
    left -= k;
    wLeft -= w;
  }
}
