// The Red Team Arena fit (DESIGN section 11): P(player wins) = σ(β_player − β_model − β_target), every game of every
// kind in one fit, by L2-penalised maximum likelihood: minimise Σ_games logloss + (λ/2)·‖β‖² over all parameters.
//
// Why a penalty, and this λ: unlike a Bradley–Terry board, a red-team board is mostly players with a handful of
// games, and a player who won every game (or a model nobody broke) has an infinite MLE. The model is also only
// defined up to three offsets (add c to every player and to every model, or to every player and every target,
// and nothing changes). The penalty makes every β finite and picks one solution. λ = 0.25 on the summed log-loss
// is a Gaussian prior β ~ N(0, 2²) per parameter (2 natural logits ≈ 347 arena points): exactly the Fisher
// information of one even game (p(1−p) = ¼), so each β is pulled towards the average as if by one extra drawn
// game — weak next to the dozens of games a ranked player or model has, strong enough to keep an undefeated
// three-game player near +1 to +2 logits instead of +∞. Scores are then centred per group (redteam.ts), so the
// offsets the prior picks never show.
//
// Why Newton with a Schur complement: the Hessian is (players + models + targets)², far too big to factor densely
// with tens of thousands of players, but the player×player block is diagonal (a game has one player). Eliminating
// the players leaves a dense (models + targets)² system, solved with linalg.ts's Cholesky; the players' steps
// follow by back-substitution. That is the exact Newton step over all parameters, in O(cells + Σ_players deg² +
// (M+T)³) per iteration; a backtracking line search keeps it monotone. The objective is strictly convex, so the
// solution is unique and a few iterations reach it; bootstrap refits warm-start from the full fit.
import { choleskySolve } from "./linalg";

/** L2 penalty on the summed log-loss, natural-logit units: the prior β ~ N(0, 1/λ) = N(0, 2²). */
export const REDTEAM_LAMBDA = 0.25;

/**
 * Games aggregated into cells (player, model, target, outcome), sorted in that order by index; players, models and
 * targets are indexed in sorted-id order, so the cells never depend on the order of the rows.
 */
export interface RedteamCells {
  players: number;
  models: number;
  targets: number;
  length: number;
  player: Int32Array;
  model: Int32Array;
  target: Int32Array;
  /** 1 = the player won, 0 = lost (forfeit included). */
  won: Uint8Array;
  count: Float64Array;
}

export function buildCells(
  players: number,
  models: number,
  targets: number,
  p: Int32Array,
  m: Int32Array,
  t: Int32Array,
  won: Uint8Array,
): RedteamCells {
  const n = p.length;
  // One exact numeric key per game (at most 2^53: far beyond any arena), sorted as a Float64Array.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ((p[i]! * models + m[i]!) * targets + t[i]!) * 2 + won[i]!;
  keys.sort();
  let len = 0;
  for (let i = 0; i < n; i++) if (i === 0 || keys[i] !== keys[i - 1]) len++;
  const cells: RedteamCells = {
    players,
    models,
    targets,
    length: len,
    player: new Int32Array(len),
    model: new Int32Array(len),
    target: new Int32Array(len),
    won: new Uint8Array(len),
    count: new Float64Array(len),
  };
  let c = -1;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (i === 0 || k !== keys[i - 1]) {
      c++;
      let rest = k;
      cells.won[c] = rest % 2;
      rest = (rest - cells.won[c]!) / 2;
      cells.target[c] = rest % targets;
      rest = (rest - cells.target[c]!) / targets;
      cells.model[c] = rest % models;
      cells.player[c] = (rest - cells.model[c]!) / models;
    }
    cells.count[c]!++;
  }
  return cells;
}

export interface RedteamFit {
  /** β in natural logits: players, then models, then targets. */
  beta: Float64Array;
  iterations: number;
  converged: boolean;
}

/** Scratch buffers of one problem size, reused across the bootstrap rounds. */
export interface RedteamWork {
  grad: Float64Array;
  diagP: Float64Array;
  S: Float64Array;
  rhsQ: Float64Array;
  row: Float64Array;
  vals: Float64Array;
  touched: Int32Array;
  mark: Uint8Array;
  step: Float64Array;
  trial: Float64Array;
  h: Float64Array;
  playerStart: Int32Array;
}

export function makeRedteamWork(cells: RedteamCells): RedteamWork {
  const P = cells.players;
  const Q = cells.models + cells.targets;
  const n = P + Q;
  const playerStart = new Int32Array(P + 1);
  for (let c = 0; c < cells.length; c++) playerStart[cells.player[c]! + 1]!++;
  for (let k = 0; k < P; k++) playerStart[k + 1]! += playerStart[k]!;
  return {
    grad: new Float64Array(n),
    diagP: new Float64Array(P),
    S: new Float64Array(Q * Q),
    rhsQ: new Float64Array(Q),
    row: new Float64Array(Q),
    vals: new Float64Array(Q),
    touched: new Int32Array(Q),
    mark: new Uint8Array(Q),
    step: new Float64Array(n),
    trial: new Float64Array(n),
    h: new Float64Array(cells.length),
    playerStart,
  };
}

/** Σ counts·logloss + (λ/2)‖β‖². */
export function redteamObjective(
  cells: RedteamCells,
  counts: Float64Array,
  beta: Float64Array,
  lambda: number,
): number {
  const P = cells.players;
  const M = cells.models;
  let f = 0;
  for (let c = 0; c < cells.length; c++) {
    const w = counts[c]!;
    if (w === 0) continue;
    const eta = beta[cells.player[c]!]! - beta[P + cells.model[c]!]! - beta[P + M + cells.target[c]!]!;
    // −[y log σ(η) + (1 − y) log σ(−η)] = softplus(η) − y·η, computed without overflow.
    const sp = Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta)));
    f += w * (sp - cells.won[c]! * eta);
  }
  let r = 0;
  for (let k = 0; k < beta.length; k++) r += beta[k]! * beta[k]!;
  return f + 0.5 * lambda * r;
}

export interface RedteamFitOptions {
  lambda?: number;
  init?: Float64Array;
  /** Stop when every |gradient_i| ≤ tol · max(1, games_i). Default 1e-9. */
  tol?: number;
  maxIter?: number;
  work?: RedteamWork;
}

/** Penalised MLE by Newton (see the header). `counts` are the cells' game counts (a bootstrap draw, or cells.count). */
export function fitRedteam(cells: RedteamCells, counts: Float64Array, opts: RedteamFitOptions = {}): RedteamFit {
  const lambda = opts.lambda ?? REDTEAM_LAMBDA;
  const tol = opts.tol ?? 1e-9;
  const maxIter = opts.maxIter ?? 100;
  const P = cells.players;
  const M = cells.models;
  const Q = M + cells.targets;
  const n = P + Q;
  const w = opts.work ?? makeRedteamWork(cells);
  const { grad, diagP, S, rhsQ, row, vals, touched, mark, step, trial, h, playerStart } = w;
  const beta = opts.init ? Float64Array.from(opts.init) : new Float64Array(n);
  // Games per parameter, for the relative convergence test.
  const games = new Float64Array(n);
  for (let c = 0; c < cells.length; c++) {
    const k = counts[c]!;
    games[cells.player[c]!]! += k;
    games[P + cells.model[c]!]! += k;
    games[P + M + cells.target[c]!]! += k;
  }
  let f = redteamObjective(cells, counts, beta, lambda);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIter; iterations++) {
    // Gradient of the objective and the Hessian's pieces: h = count·p(1−p) per cell.
    for (let k = 0; k < n; k++) grad[k] = lambda * beta[k]!;
    for (let c = 0; c < cells.length; c++) {
      const cnt = counts[c]!;
      if (cnt === 0) {
        h[c] = 0;
        continue;
      }
      const ip = cells.player[c]!;
      const im = P + cells.model[c]!;
      const it = P + M + cells.target[c]!;
      const prob = 1 / (1 + Math.exp(-(beta[ip]! - beta[im]! - beta[it]!)));
      const r = cnt * (prob - cells.won[c]!);
      grad[ip]! += r;
      grad[im]! -= r;
      grad[it]! -= r;
      h[c] = cnt * prob * (1 - prob);
    }
    let worst = 0;
    for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(grad[k]!) / Math.max(1, games[k]!));
    if (worst <= tol) {
      converged = true;
      break;
    }
    // H_QQ (models and targets), then the Schur complement S = H_QQ − Σ_p r_p r_pᵀ / D_p, rhs = −g_Q − Σ_p r_p(−g_p)/D_p.
    S.fill(0);
    for (let q = 0; q < Q; q++) {
      S[q * Q + q] = lambda;
      rhsQ[q] = -grad[P + q]!;
    }
    for (let c = 0; c < cells.length; c++) {
      const hc = h[c]!;
      if (hc === 0) continue;
      const m = cells.model[c]!;
      const t = M + cells.target[c]!;
      S[m * Q + m]! += hc;
      S[t * Q + t]! += hc;
      S[m * Q + t]! += hc;
      S[t * Q + m]! += hc;
    }
    for (let p = 0; p < P; p++) {
      let d = lambda;
      let nt = 0;
      for (let c = playerStart[p]!; c < playerStart[p + 1]!; c++) {
        const hc = h[c]!;
        if (hc === 0) continue;
        d += hc;
        const m = cells.model[c]!;
        const t = M + cells.target[c]!;
        if (!mark[m]) {
          mark[m] = 1;
          touched[nt++] = m;
        }
        if (!mark[t]) {
          mark[t] = 1;
          touched[nt++] = t;
        }
        row[m]! -= hc;
        row[t]! -= hc;
      }
      diagP[p] = d;
      // S −= r_p r_pᵀ / D_p over the lower triangle only (choleskySolve reads no more), with the touched indices in
      // ascending order so the inner loop needs no test; rhs −= r_p · (−g_p / D_p).
      const idx = touched.subarray(0, nt).sort();
      for (let a = 0; a < nt; a++) vals[a] = row[idx[a]!]!;
      const gp = -grad[p]! / d;
      for (let a = 0; a < nt; a++) {
        const qa = idx[a]!;
        const ra = vals[a]!;
        rhsQ[qa]! -= ra * gp;
        const sa = ra / d;
        const base = qa * Q;
        for (let b = 0; b <= a; b++) S[base + idx[b]!]! -= sa * vals[b]!;
      }
      for (let a = 0; a < nt; a++) {
        const qa = idx[a]!;
        row[qa] = 0;
        mark[qa] = 0;
      }
    }
    if (Q > 0 && !choleskySolve(S, rhsQ, Q)) break; // cannot happen: S ≥ λI
    for (let q = 0; q < Q; q++) step[P + q] = rhsQ[q]!;
    // Players by back-substitution: δ_p = (−g_p − Σ_q H_pq δ_q) / D_p, H_pq = −h.
    for (let p = 0; p < P; p++) {
      let s = -grad[p]!;
      for (let c = playerStart[p]!; c < playerStart[p + 1]!; c++) {
        const hc = h[c]!;
        if (hc === 0) continue;
        s += hc * (step[P + cells.model[c]!]! + step[P + M + cells.target[c]!]!);
      }
      step[p] = s / diagP[p]!;
    }
    // Backtracking (Armijo) line search on the convex objective.
    let slope = 0;
    for (let k = 0; k < n; k++) slope += grad[k]! * step[k]!;
    let t = 1;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let k = 0; k < n; k++) trial[k] = beta[k]! + t * step[k]!;
      const ft = redteamObjective(cells, counts, trial, lambda);
      // Near the optimum the decrease is below the objective's rounding (~1e-16·f): a full Newton step whose value
      // is equal within that rounding is accepted, or the search would halve good steps on noise.
      if (ft <= f + 1e-4 * t * slope || ft - f <= 1e-13 * Math.abs(f)) {
        beta.set(trial);
        f = ft;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      // No decrease representable in floating point: we are at the optimum to machine precision.
      converged = true;
      break;
    }
  }
  return { beta, iterations, converged };
}
