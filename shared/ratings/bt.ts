// Bradley–Terry maximum likelihood (DESIGN section 7): P(A beats B) = 1/(1+10^((R_B−R_A)/400)), a win counts 1
// and both tie kinds ½, no penalty. We fit θ on the natural-logit scale (P = σ(θ_A − θ_B)); ratings are
// 400·θ/ln10 (+ centring). Why Newton: the Hessian is the models×models weighted graph Laplacian, so exact
// Newton steps (with a backtracking line search for safety) converge quadratically to the score equations in a
// handful of iterations; bootstrap refits warm-start from the full-data θ and need 2–4 steps.
//
// Existence: the unpenalised MLE exists iff the directed "beat" graph (edge i→j when i has a positive win share
// against j, a tie giving both directions) is strongly connected (Zermelo/Ford). When it is not (a model that
// never lost or never won, or separate pieces), we add the ridge (λ/2)·‖θ‖² to the summed log-loss with
// λ = DEFAULT_RIDGE, record it, and flag as provisional every model outside the main strongly connected component
// (`identifiability`: the component with the most models, then the most battles, of at least MIN_COMPONENT_MODELS
// models; none when the largest are tied, so then every model is provisional).
import { choleskySolve } from "./linalg";
import type { PairStats } from "./pairs";

/** Ridge λ (natural-logit units, on the summed log-loss) used only when the MLE does not exist. */
export const DEFAULT_RIDGE = 1e-4;
export const RATING_SCALE = 400;
export const RATING_BASE = 10;
export const RATING_CENTRE = 1000;
/** Rating points per natural-logit unit: 400 / ln 10. */
export const POINTS_PER_LOGIT = RATING_SCALE / Math.log(RATING_BASE);

export interface FitOptions {
  /** Starting θ (natural logits), e.g. the full-data fit for a bootstrap refit. Not modified. */
  init?: Float64Array;
  /** Ridge λ; 0 = plain MLE (requires a strongly connected beat graph). */
  ridge?: number;
  /** Stop when every |score_i| ≤ tol · max(1, battles_i). Default 1e-10. */
  tol?: number;
  maxIter?: number;
  /** Reusable scratch buffers (bootstrap hot loop). */
  work?: FitWork;
}

export interface FitResult {
  /** θ in natural logits, sum zero when ridge = 0. */
  theta: Float64Array;
  iterations: number;
  converged: boolean;
  /** max_i |expected wins_i − observed wins_i| / max(1, battles_i) at the solution (ridge term included). */
  maxRelScore: number;
}

export interface FitWork {
  n: number;
  H: Float64Array;
  g: Float64Array;
  step: Float64Array;
  trial: Float64Array;
  battles: Float64Array;
}

export function makeFitWork(n: number): FitWork {
  return {
    n,
    H: new Float64Array(n * n),
    g: new Float64Array(n),
    step: new Float64Array(n),
    trial: new Float64Array(n),
    battles: new Float64Array(n),
  };
}

/** log σ(x), stable for large |x|. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** Penalised negative log-likelihood. */
export function objective(pairs: PairStats, theta: Float64Array, ridge: number): number {
  let f = 0;
  for (let p = 0; p < pairs.length; p++) {
    const d = (theta[pairs.i[p] as number] as number) - (theta[pairs.j[p] as number] as number);
    const w = pairs.wins[p] as number;
    const t = pairs.total[p] as number;
    f -= w * logSigmoid(d) + (t - w) * logSigmoid(-d);
  }
  if (ridge > 0) {
    let s = 0;
    for (let k = 0; k < pairs.nModels; k++) s += (theta[k] as number) ** 2;
    f += 0.5 * ridge * s;
  }
  return f;
}

/**
 * Score (gradient of the log-likelihood, minus the ridge term): g_i = observed wins_i − expected wins_i − λθ_i.
 * Optionally fills the Hessian of the negative log-likelihood (Laplacian + λI). Returns max relative score.
 */
function scoreAndHessian(pairs: PairStats, theta: Float64Array, ridge: number, w: FitWork, wantH: boolean): number {
  const n = pairs.nModels;
  const { g, H, battles } = w;
  g.fill(0);
  battles.fill(0);
  if (wantH) H.fill(0);
  for (let p = 0; p < pairs.length; p++) {
    const t = pairs.total[p] as number;
    if (t <= 0) continue;
    const i = pairs.i[p] as number;
    const j = pairs.j[p] as number;
    const d = (theta[i] as number) - (theta[j] as number);
    const pr = 1 / (1 + Math.exp(-d));
    const r = (pairs.wins[p] as number) - t * pr;
    g[i]! += r;
    g[j]! -= r;
    battles[i]! += t;
    battles[j]! += t;
    if (wantH) {
      const h = t * pr * (1 - pr);
      H[i * n + i]! += h;
      H[j * n + j]! += h;
      H[i * n + j]! -= h;
      H[j * n + i]! -= h;
    }
  }
  let worst = 0;
  for (let k = 0; k < n; k++) {
    if (ridge > 0) g[k]! -= ridge * (theta[k] as number);
    const rel = Math.abs(g[k] as number) / Math.max(1, battles[k] as number);
    if (rel > worst) worst = rel;
  }
  return worst;
}

/** Fit Bradley–Terry θ by damped Newton. */
export function fitBT(pairs: PairStats, opts: FitOptions = {}): FitResult {
  const n = pairs.nModels;
  const ridge = opts.ridge ?? 0;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 100;
  const w = opts.work && opts.work.n === n ? opts.work : makeFitWork(n);
  const theta = opts.init ? Float64Array.from(opts.init) : new Float64Array(n);
  if (ridge === 0) centre(theta);
  let f = objective(pairs, theta, ridge);
  let rel = Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    rel = scoreAndHessian(pairs, theta, ridge, w, true);
    if (rel <= tol) break;
    const { H, g, step, trial } = w;
    // Without a ridge the Laplacian is singular along 1; adding c·11ᵀ makes it positive definite on a
    // connected graph and, because Σg = 0, yields the sum-zero Newton step (1ᵀδ = 0, Lδ = g).
    let c = 0;
    for (let k = 0; k < n; k++) {
      c += H[k * n + k] as number;
      if (ridge > 0) H[k * n + k]! += ridge;
    }
    c = Math.max(c / Math.max(1, n), 1e-12);
    if (ridge === 0) for (let k = 0; k < n * n; k++) H[k]! += c;
    step.set(g);
    if (!choleskySolve(H, step, n)) break;
    // Backtracking: accept the full step when it lowers the objective (always, near the optimum).
    let alpha = 1;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let k = 0; k < n; k++) trial[k] = (theta[k] as number) + alpha * (step[k] as number);
      const ft = objective(pairs, trial, ridge);
      if (ft <= f + 1e-12 * Math.abs(f)) {
        theta.set(trial);
        f = ft;
        accepted = true;
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) {
      rel = scoreAndHessian(pairs, theta, ridge, w, false);
      break;
    }
  }
  if (it === maxIter) rel = scoreAndHessian(pairs, theta, ridge, w, false);
  if (ridge === 0) centre(theta);
  return { theta, iterations: it, converged: rel <= Math.max(tol, 1e-8), maxRelScore: rel };
}

function centre(theta: Float64Array): void {
  let s = 0;
  for (let k = 0; k < theta.length; k++) s += theta[k] as number;
  s /= Math.max(1, theta.length);
  for (let k = 0; k < theta.length; k++) theta[k]! -= s;
}

/** Per-model observed and expected wins and battles at θ (for checking the score equations). */
export function scoreEquations(
  pairs: PairStats,
  theta: Float64Array,
): { observed: Float64Array; expected: Float64Array; battles: Float64Array } {
  const n = pairs.nModels;
  const observed = new Float64Array(n);
  const expected = new Float64Array(n);
  const battles = new Float64Array(n);
  for (let p = 0; p < pairs.length; p++) {
    const i = pairs.i[p] as number;
    const j = pairs.j[p] as number;
    const t = pairs.total[p] as number;
    const w = pairs.wins[p] as number;
    const pr = 1 / (1 + Math.exp((theta[j] as number) - (theta[i] as number)));
    observed[i]! += w;
    observed[j]! += t - w;
    expected[i]! += t * pr;
    expected[j]! += t * (1 - pr);
    battles[i]! += t;
    battles[j]! += t;
  }
  return { observed, expected, battles };
}

/** A strongly connected component needs this many models before the differences inside it mean anything. */
export const MIN_COMPONENT_MODELS = 2;

export interface Identifiability {
  /** True when the unpenalised MLE exists (beat graph strongly connected, every model has a battle). */
  exists: boolean;
  /** Strongly connected component id per model (ids depend on model order; membership does not). */
  component: Int32Array;
  /** The main component's id, or -1 when there is none (every model is then provisional). */
  main: number;
  /** Models outside the main strongly connected component (this includes models with no non-self battle). */
  provisional: Uint8Array;
}

/**
 * Strongly connected components of the beat graph (Kosaraju, iterative). O(models + pairs).
 * Why: decides whether the MLE exists and which ratings are only held finite by the ridge.
 *
 * Only differences inside one strongly connected component are pinned down by the data; between components (and
 * for a model that never lost or never won, which is a component of its own) the ridge alone keeps them finite.
 * The main component is the one with the most models, then the most battles (summed over its models), with at
 * least MIN_COMPONENT_MODELS models; when two components tie on both, there is no main component. So the choice
 * depends only on the battles, never on the order of models or components, and a board where no component has
 * two models (e.g. six battles forming a chain) marks every model provisional.
 */
export function identifiability(pairs: PairStats): Identifiability {
  const n = pairs.nModels;
  // Adjacency (CSR) for i→j "i has a positive win share against j", and the reverse graph.
  const outDeg = new Int32Array(n + 1);
  const inDeg = new Int32Array(n + 1);
  const battles = new Float64Array(n);
  for (let p = 0; p < pairs.length; p++) {
    const t = pairs.total[p] as number;
    if (t <= 0) continue;
    const i = pairs.i[p] as number;
    const j = pairs.j[p] as number;
    const w = pairs.wins[p] as number;
    battles[i]! += t;
    battles[j]! += t;
    if (w > 0) {
      outDeg[i + 1]!++;
      inDeg[j + 1]!++;
    }
    if (t - w > 0) {
      outDeg[j + 1]!++;
      inDeg[i + 1]!++;
    }
  }
  for (let k = 0; k < n; k++) {
    outDeg[k + 1]! += outDeg[k] as number;
    inDeg[k + 1]! += inDeg[k] as number;
  }
  const fwd = new Int32Array(outDeg[n] as number);
  const rev = new Int32Array(inDeg[n] as number);
  const fo = outDeg.slice(0, n);
  const ro = inDeg.slice(0, n);
  for (let p = 0; p < pairs.length; p++) {
    const t = pairs.total[p] as number;
    if (t <= 0) continue;
    const i = pairs.i[p] as number;
    const j = pairs.j[p] as number;
    const w = pairs.wins[p] as number;
    if (w > 0) {
      fwd[fo[i]!++] = j;
      rev[ro[j]!++] = i;
    }
    if (t - w > 0) {
      fwd[fo[j]!++] = i;
      rev[ro[i]!++] = j;
    }
  }
  // Pass 1: finishing order on the forward graph.
  const visited = new Uint8Array(n);
  const order = new Int32Array(n);
  let ordLen = 0;
  const stack = new Int32Array(n);
  const edgePos = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (visited[s]) continue;
    let top = 0;
    stack[0] = s;
    visited[s] = 1;
    edgePos[s] = outDeg[s] as number;
    while (top >= 0) {
      const v = stack[top] as number;
      const e = edgePos[v] as number;
      if (e < (outDeg[v + 1] as number)) {
        edgePos[v] = e + 1;
        const u = fwd[e] as number;
        if (!visited[u]) {
          visited[u] = 1;
          edgePos[u] = outDeg[u] as number;
          stack[++top] = u;
        }
      } else {
        order[ordLen++] = v;
        top--;
      }
    }
  }
  // Pass 2: components on the reverse graph in reverse finishing order.
  const component = new Int32Array(n).fill(-1);
  let nComp = 0;
  for (let k = n - 1; k >= 0; k--) {
    const s = order[k] as number;
    if (component[s] !== -1) continue;
    let top = 0;
    stack[0] = s;
    component[s] = nComp;
    while (top >= 0) {
      const v = stack[top--] as number;
      for (let e = inDeg[v] as number; e < (inDeg[v + 1] as number); e++) {
        const u = rev[e] as number;
        if (component[u] === -1) {
          component[u] = nComp;
          stack[++top] = u;
        }
      }
    }
    nComp++;
  }
  const compBattles = new Float64Array(nComp);
  const compModels = new Int32Array(nComp);
  for (let k = 0; k < n; k++) {
    compBattles[component[k] as number]! += battles[k] as number;
    compModels[component[k] as number]!++;
  }
  let main = -1;
  let tied = false;
  for (let c = 0; c < nComp; c++) {
    const m = compModels[c] as number;
    if (m < MIN_COMPONENT_MODELS) continue;
    const cmp =
      main < 0
        ? 1
        : m - (compModels[main] as number) || Math.sign((compBattles[c] as number) - (compBattles[main] as number));
    if (cmp > 0) {
      main = c;
      tied = false;
    } else if (cmp === 0) tied = true;
  }
  if (tied) main = -1;
  const provisional = new Uint8Array(n);
  let anyBattleless = false;
  for (let k = 0; k < n; k++) {
    if (battles[k] === 0) anyBattleless = true;
    if (component[k] !== main || battles[k] === 0) provisional[k] = 1;
  }
  return { exists: nComp <= 1 && !anyBattleless, component, main, provisional };
}
