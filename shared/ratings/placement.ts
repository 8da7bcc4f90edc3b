// Placing one model on a published board's scale (issue 7, private results): the board's ratings — and, for a
// style-controlled board, its style coefficients — are held fixed, and only the newcomer's rating is fitted to its
// own battles by one-parameter maximum likelihood:
//   P(X beats j) = σ(ln10/400 · (R_X − R_j) + γ·z),  ties ½,  z = 0 on a raw board.
// Why not refit the whole board with X added: a private model has hundreds of battles among millions, so it moves
// nobody else's rating measurably, and the one-parameter fit costs O(X's battles) instead of a full leaderboard per
// model per cron run. The interval is a percentile bootstrap over X's battles (multinomial, seeded per round like
// every other bootstrap here); it leaves out the uncertainty of the fixed ratings, which is small next to X's own.
import { DEFAULT_RIDGE } from "./bt";
import { binomial } from "./multinomial";
import { hashString32, Rng } from "./rng";
import { quantileSorted } from "./scale";

const C = Math.LN10 / 400; // natural logits per rating point

export interface PlacementBattle {
  /** The opponent's rating on the board (fixed). */
  opponentRating: number;
  /** X's result: 1 win, 0 loss, ½ tie (both kinds). */
  score: number;
  /** γ·z of the battle from X's side on a style-controlled board (0 on a raw board). */
  styleOffset: number;
}

export interface PlacementOptions {
  bootstrap: number;
  /** Seed key prefix, e.g. `${seed}|${board}|placement|${model}`; round r uses `${key}|${r}`. */
  key: string;
  level: number;
  /** Where the ridge pulls when X never lost or never won: the board's centre rating. */
  centre: number;
}

export interface Placement {
  rating: number;
  ci: [number, number] | null;
  /** True when the ridge was needed (X never lost or never won on this board). */
  provisional: boolean;
}

/** True when X both won (or tied) and lost (or tied) among the weighted battles: the MLE exists. */
function mleExists(battles: PlacementBattle[], weights: Float64Array | null): boolean {
  let won = false;
  let lost = false;
  for (let k = 0; k < battles.length && !(won && lost); k++) {
    if (weights && weights[k] === 0) continue;
    if (battles[k]!.score > 0) won = true;
    if (battles[k]!.score < 1) lost = true;
  }
  return won && lost;
}

/**
 * Maximises Σ w·[y log p + (1 − y) log(1 − p)] − (λ/2)(θ − θ_centre)² over X's natural-logit θ by Newton. λ is 0
 * unless X never lost or never won in these battles (then the MLE is infinite): `DEFAULT_RIDGE`, as on the boards.
 */
function fitOne(battles: PlacementBattle[], weights: Float64Array | null, start: number, centre: number) {
  const ridge = mleExists(battles, weights) ? 0 : DEFAULT_RIDGE;
  let theta = start;
  for (let it = 0; it < 100; it++) {
    let g = -ridge * (theta - centre);
    let h = ridge;
    for (let k = 0; k < battles.length; k++) {
      const w = weights ? weights[k]! : 1;
      if (w === 0) continue;
      const b = battles[k]!;
      const p = 1 / (1 + Math.exp(-(theta - C * b.opponentRating + b.styleOffset)));
      g += w * (b.score - p);
      h += w * p * (1 - p);
    }
    if (!(h > 0)) break;
    const step = g / h;
    // Damped: a single step is never more than 2 logits (about 350 rating points), which keeps Newton safe far
    // from the optimum of this concave one-dimensional problem.
    theta += Math.max(-2, Math.min(2, step));
    if (Math.abs(step) < 1e-12) break;
  }
  return theta;
}

export function placeModel(battles: PlacementBattle[], opts: PlacementOptions): Placement | null {
  if (battles.length === 0) return null;
  const provisional = !mleExists(battles, null);
  const centre = C * opts.centre;
  const theta = fitOne(battles, null, centre, centre);
  const R = Math.max(0, Math.floor(opts.bootstrap));
  let ci: [number, number] | null = null;
  if (R > 0) {
    const n = battles.length;
    const samples = new Float64Array(R);
    const weights = new Float64Array(n);
    for (let r = 0; r < R; r++) {
      // Multinomial counts over the battles by sequential binomials: n draws in total, order-independent given
      // the battle order the caller fixes.
      const rng = new Rng(hashString32(`${opts.key}|${r}`));
      let left = n;
      for (let k = 0; k < n; k++) {
        const c = k === n - 1 ? left : binomial(rng, left, 1 / (n - k));
        weights[k] = c;
        left -= c;
      }
      samples[r] = fitOne(battles, weights, theta, centre) / C;
    }
    samples.sort();
    ci = [quantileSorted(samples, (1 - opts.level) / 2), quantileSorted(samples, (1 + opts.level) / 2)];
  }
  return { rating: theta / C, ci, provisional };
}
