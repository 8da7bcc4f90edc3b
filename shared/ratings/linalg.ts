// Dense symmetric positive-definite solve (Cholesky). Why hand-written: the Bradley–Terry Hessian is only
// models×models (≈50–200), so an O(n³/3) in-place factorisation on a Float64Array is microseconds and keeps
// the engine dependency-free and platform-free.

/**
 * Solve A x = b for symmetric positive-definite A (row-major n×n). A is overwritten by its Cholesky factor,
 * b by x. Returns false if A is not numerically positive definite.
 */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j] as number;
    for (let k = 0; k < j; k++) {
      const v = A[rj + k] as number;
      d -= v * v;
    }
    if (!(d > 0)) return false;
    d = Math.sqrt(d);
    A[rj + j] = d;
    const inv = 1 / d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j] as number;
      for (let k = 0; k < j; k++) s -= (A[ri + k] as number) * (A[rj + k] as number);
      A[ri + j] = s * inv;
    }
  }
  // Forward L y = b, then backward Lᵀ x = y.
  solveFactored(A, b, n);
  return true;
}

/** Inverse of a symmetric positive-definite matrix (row-major), or null when not positive definite. O(n³). */
export function spdInverse(A: Float64Array, n: number): Float64Array | null {
  const L = Float64Array.from(A);
  const col = new Float64Array(n);
  // Factor once (the first solve), then reuse the factor for the remaining columns.
  col[0] = 1;
  if (n === 0) return new Float64Array(0);
  if (!choleskySolve(L, col, n)) return null;
  const inv = new Float64Array(n * n);
  for (let r = 0; r < n; r++) inv[r * n] = col[r] as number;
  for (let c = 1; c < n; c++) {
    col.fill(0);
    col[c] = 1;
    solveFactored(L, col, n);
    for (let r = 0; r < n; r++) inv[r * n + c] = col[r] as number;
  }
  return inv;
}

/** Solve with a factor left in place by choleskySolve (lower triangle holds L). */
export function solveFactored(L: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[ri + k] as number) * (b[k] as number);
    b[i] = s / (L[ri + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (b[k] as number);
    b[i] = s / (L[i * n + i] as number);
  }
}

// Standard normal tail via the Numerical Recipes erfc Chebyshev fit (fractional error < 1.2e-7), inverted by
// bisection: only used for a handful of interval multipliers per board, so simplicity beats speed.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal quantile Φ⁻¹(p), 0 < p < 1 (bisection on normalCdf, ~1e-7 accurate). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? -Infinity : Infinity;
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
