// The Red Team Arena board (DESIGN section 11, schema arena-redteam/v1) from the export rows of finished ranked
// games. Why one function for the cron and the CLI: `npm run --silent ratings -- --redteam FILE` must print the
// published /redteam.json byte for byte, so both call buildRedteamJson and serialise with redteamJsonText.
//
// Method (docs/ratings.md "Red Team Arena"): one joint L2-penalised MLE over players, models and targets
// (redteam-fit.ts, λ = 0.25), 100 seeded bootstrap rounds over games (multinomial counts over the sorted game
// cells, seeded `${seed}|redteam|${round}` with rng.ts like every other bootstrap here), 95% percentile intervals,
// arena scale 400·log10-odds with each group's mean at 1000 (scale.ts), ranks from intervals as on the main board
// (bootstrap.ts ranksFromIntervals), 6-decimal rounding (board.ts roundOutput), and RedTeam Arena's own online
// score as `live` (redteam-live.ts). Results depend only on the set of games, never on their order, except `live`,
// which is defined in (tstamp, id) order.
import { bootstrapKey, ranksFromIntervals } from "./bootstrap";
import { roundOutput } from "./board";
import { POINTS_PER_LOGIT, RATING_BASE, RATING_CENTRE, RATING_SCALE } from "./bt";
import { multinomial } from "./multinomial";
import { buildCells, fitRedteam, makeRedteamWork, REDTEAM_LAMBDA } from "./redteam-fit";
import { liveScores, REDTEAM_LIVE_RATE } from "./redteam-live";
import { Rng } from "./rng";
import { alignRound, quantileSorted, thetaToRatings } from "./scale";

export const REDTEAM_SCHEMA = "arena-redteam/v1";
export const REDTEAM_BOOTSTRAP = 100;
export const REDTEAM_LEVEL = 0.95;
/**
 * Bootstrap refits stop at |gradient_i| ≤ 1e-6 × games_i (the full fit at 1e-9): β then errs by ~4e-6 logits, under
 * 0.001 arena points, far inside any interval, and each round saves its last Newton step.
 */
export const REDTEAM_BOOTSTRAP_TOL = 1e-6;

export type RedteamOutcome = "win" | "loss" | "forfeit";

/** One line of /api/export/redteam.jsonl: a finished ranked game. `tstamp` in Unix seconds, like the battles export. */
export interface RedteamRow {
  id: string;
  tstamp: number;
  player: string;
  model: string;
  kind: string;
  target: string;
  outcome: RedteamOutcome;
  turns: number;
  seconds: number;
}

export interface RedteamMeta {
  snapshot: string;
  generatedAt: string;
  /** sha256 (hex) of the export's bytes. */
  sha256: string;
  /** Player id → handle; a player missing here is published with handle = id. */
  handles?: Record<string, string>;
  /** Model id → display name; a model missing here is published with name = id. */
  modelNames?: Record<string, string>;
}

/** For tests and the bench only: the cron publishes with the defaults (100 rounds, seed 0). */
export interface RedteamOptions {
  bootstrap?: number;
  seed?: number;
}

export type RedteamInterval = [number, number] | null;

export interface RedteamPlayer {
  id: string;
  handle: string;
  score: number;
  ci: RedteamInterval;
  rank: number;
  games: number;
  wins: number;
  live: number;
}

export interface RedteamModel {
  id: string;
  name: string;
  score: number;
  ci: RedteamInterval;
  rank: number;
  games: number;
  /** Share of its games the player won (forfeits count as not broken). */
  breakRate: number;
  live: number;
}

export interface RedteamTarget {
  id: string;
  kind: string;
  score: number;
  ci: RedteamInterval;
  games: number;
}

export interface RedteamJson {
  schema: typeof REDTEAM_SCHEMA;
  snapshot: string;
  generatedAt: string;
  data: { games: number; sha256: string };
  method: Record<string, unknown>;
  players: RedteamPlayer[];
  models: RedteamModel[];
  targets: RedteamTarget[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function indexOf(values: string[]): { ids: string[]; index: Map<string, number> } {
  const ids = [...new Set(values)].sort(byString);
  return { ids, index: new Map(ids.map((id, k) => [id, k])) };
}

const lookup = (names: Record<string, string> | undefined, id: string) =>
  names && Object.hasOwn(names, id) && typeof names[id] === "string" ? names[id] : id;

/** The published board (DESIGN section 11). Deterministic: the same games and meta give the same bytes. */
export function buildRedteamJson(rows: RedteamRow[], meta: RedteamMeta, options: RedteamOptions = {}): RedteamJson {
  const rounds = Math.max(0, Math.floor(options.bootstrap ?? REDTEAM_BOOTSTRAP));
  const seed = options.seed ?? 0;
  const G = rows.length;
  const pl = indexOf(rows.map((r) => r.player));
  const mo = indexOf(rows.map((r) => r.model));
  const ta = indexOf(rows.map((r) => r.target));
  const P = pl.ids.length;
  const M = mo.ids.length;
  const T = ta.ids.length;
  const n = P + M + T;
  const gp = new Int32Array(G);
  const gm = new Int32Array(G);
  const gt = new Int32Array(G);
  const won = new Uint8Array(G);
  const kinds: string[] = new Array<string>(T);
  for (let g = 0; g < G; g++) {
    const r = rows[g]!;
    gp[g] = pl.index.get(r.player)!;
    gm[g] = mo.index.get(r.model)!;
    const t = ta.index.get(r.target)!;
    gt[g] = t;
    won[g] = r.outcome === "win" ? 1 : 0; // forfeit = loss
    if (kinds[t] === undefined) kinds[t] = r.kind;
    else if (kinds[t] !== r.kind)
      throw new Error(`target "${r.target}" appears under kinds "${kinds[t]}" and "${r.kind}" (game ${r.id})`);
  }

  // The full fit, on the arena scale with each group centred on 1000.
  const cells = buildCells(P, M, T, gp, gm, gt, won);
  const work = makeRedteamWork(cells);
  const fit = fitRedteam(cells, cells.count, { work });
  const groups = [
    { offset: 0, size: P, ids: pl.ids },
    { offset: P, size: M, ids: mo.ids },
    { offset: P + M, size: T, ids: ta.ids },
  ];
  const score = new Float64Array(n);
  for (const g of groups) {
    score.set(thetaToRatings(fit.beta.subarray(g.offset, g.offset + g.size), g.ids, null).ratings, g.offset);
  }

  // Bootstrap over games: multinomial counts over the sorted cells (= resampling the G games with replacement).
  const lower = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN);
  let usedRounds = 0;
  let widened = 0;
  if (rounds > 0 && G > 0) {
    usedRounds = rounds;
    const samples = new Float64Array(rounds * n);
    const counts = new Float64Array(cells.length);
    const present = new Uint8Array(n);
    for (let r = 0; r < rounds; r++) {
      multinomial(Rng.fromKey(bootstrapKey(seed, "redteam", r)), G, cells.count, counts);
      present.fill(0);
      for (let c = 0; c < cells.length; c++) {
        if (counts[c] === 0) continue;
        present[cells.player[c]!] = 1;
        present[P + cells.model[c]!] = 1;
        present[P + M + cells.target[c]!] = 1;
      }
      const round = fitRedteam(cells, counts, { init: fit.beta, work, tol: REDTEAM_BOOTSTRAP_TOL });
      const out = samples.subarray(r * n, (r + 1) * n);
      // An entry absent from a round's draw is left out of that round (NaN), as on the main board.
      for (const g of groups) {
        const s = g.offset;
        const e = s + g.size;
        alignRound(round.beta.subarray(s, e), present.subarray(s, e), score.subarray(s, e), -1, out.subarray(s, e));
      }
    }
    const col = new Float64Array(rounds);
    const q = (1 - REDTEAM_LEVEL) / 2;
    for (let k = 0; k < n; k++) {
      let m = 0;
      for (let r = 0; r < rounds; r++) {
        const v = samples[r * n + k]!;
        if (!Number.isNaN(v)) col[m++] = v;
      }
      if (m === 0) continue;
      const sorted = col.subarray(0, m).sort();
      let lo = quantileSorted(sorted, q);
      let hi = quantileSorted(sorted, 1 - q);
      // A percentile interval of a penalised, skewed estimate can miss the estimate itself (e.g. a player on a
      // winning streak); it is then widened to reach the score, and counted in method.ci.widened.
      const s = score[k]!;
      if (s < lo || s > hi) {
        widened++;
        lo = Math.min(lo, s);
        hi = Math.max(hi, s);
      }
      lower[k] = lo;
      upper[k] = hi;
    }
  }

  // Ranks from intervals (an entry with no interval ranks by its score), within players and within models.
  const rankOf = (offset: number, size: number) => {
    const lo = new Float64Array(size);
    const hi = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      const v = score[offset + k]!;
      lo[k] = Number.isNaN(lower[offset + k]!) ? v : lower[offset + k]!;
      hi[k] = Number.isNaN(upper[offset + k]!) ? v : upper[offset + k]!;
    }
    return ranksFromIntervals(lo, hi);
  };
  const playerRank = rankOf(0, P);
  const modelRank = rankOf(P, M);

  // The online score, in (tstamp, id) order.
  const order = Array.from({ length: G }, (_, g) => g).sort(
    (a, b) => rows[a]!.tstamp - rows[b]!.tstamp || byString(rows[a]!.id, rows[b]!.id),
  );
  const liveTheta = liveScores(P, M, T, order, gp, gm, gt, won);
  const live = new Float64Array(n);
  for (const g of groups) {
    live.set(thetaToRatings(liveTheta.subarray(g.offset, g.offset + g.size), g.ids, null).ratings, g.offset);
  }

  const games = new Float64Array(n);
  const wins = new Float64Array(n);
  for (let g = 0; g < G; g++) {
    games[gp[g]!]!++;
    games[P + gm[g]!]!++;
    games[P + M + gt[g]!]!++;
    if (won[g]) {
      wins[gp[g]!]!++;
      wins[P + gm[g]!]!++;
    }
  }
  const ci = (k: number): RedteamInterval =>
    Number.isNaN(lower[k]!) ? null : [roundOutput(lower[k]!), roundOutput(upper[k]!)];
  const sorted = (offset: number, size: number, ids: string[]) =>
    Array.from({ length: size }, (_, k) => k).sort(
      (a, b) => score[offset + b]! - score[offset + a]! || byString(ids[a]!, ids[b]!),
    );

  const players = sorted(0, P, pl.ids).map((k): RedteamPlayer => ({
    id: pl.ids[k]!,
    handle: lookup(meta.handles, pl.ids[k]!),
    score: roundOutput(score[k]!),
    ci: ci(k),
    rank: playerRank[k]!,
    games: games[k]!,
    wins: wins[k]!,
    live: roundOutput(live[k]!),
  }));
  const models = sorted(P, M, mo.ids).map((k): RedteamModel => {
    const i = P + k;
    return {
      id: mo.ids[k]!,
      name: lookup(meta.modelNames, mo.ids[k]!),
      score: roundOutput(score[i]!),
      ci: ci(i),
      rank: modelRank[k]!,
      games: games[i]!,
      breakRate: roundOutput(wins[i]! / games[i]!),
      live: roundOutput(live[i]!),
    };
  });
  const targets = sorted(P + M, T, ta.ids).map((k): RedteamTarget => {
    const i = P + M + k;
    return { id: ta.ids[k]!, kind: kinds[k]!, score: roundOutput(score[i]!), ci: ci(i), games: games[i]! };
  });

  return {
    schema: REDTEAM_SCHEMA,
    snapshot: meta.snapshot,
    generatedAt: meta.generatedAt,
    data: { games: G, sha256: meta.sha256 },
    method: {
      model: "P(player wins) = σ(β_player − β_model − β_target)",
      fit: "l2-penalised-mle",
      solver: "newton-schur",
      // (λ/2)·‖β‖² on the summed log-loss, β in natural logits: the prior β ~ N(0, 2²) per parameter, worth one
      // even game each; it keeps undefeated players and unbroken models finite and fixes the groups' offsets.
      lambda: REDTEAM_LAMBDA,
      forfeit: "loss",
      scale: RATING_SCALE,
      base: RATING_BASE,
      centre: RATING_CENTRE,
      pointsPerLogit: roundOutput(POINTS_PER_LOGIT),
      scores: { players: "skill", models: "resistance", targets: "difficulty" },
      ci: {
        method: "bootstrap-percentile",
        resample: "games",
        rounds: usedRounds,
        seed,
        level: REDTEAM_LEVEL,
        tol: REDTEAM_BOOTSTRAP_TOL,
        widened,
      },
      rank: "1 + number of entries whose ci lower bound is above this entry's ci upper bound",
      live: { method: "online-sgd", order: "tstamp,id", learningRate: REDTEAM_LIVE_RATE, initial: RATING_CENTRE },
      iterations: fit.iterations,
      converged: fit.converged,
    },
    players,
    models,
    targets,
  };
}

/** The exact bytes the cron publishes as /redteam.json and the CLI prints. */
export function redteamJsonText(json: RedteamJson): string {
  return `${JSON.stringify(json)}\n`;
}
