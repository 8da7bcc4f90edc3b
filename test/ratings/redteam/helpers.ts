// Scripted red-team games for the ratings tests: players of known skill against models and targets of known
// hardness, P(player wins) = σ(skill − resistance − difficulty), drawn from the engine's own seeded generator.
import type { RedteamRow } from "../../../shared/ratings/redteam";
import { Rng } from "../../../shared/ratings/rng";

export interface Truth {
  players: Map<string, number>;
  models: Map<string, number>;
  targets: Map<string, number>;
}

const spread = (n: number, half: number) =>
  Array.from({ length: n }, (_, i) => (n === 1 ? 0 : -half + (2 * half * i) / (n - 1)));
const pad = (i: number) => String(i).padStart(3, "0");

export function scriptedGames(opts: {
  players: number;
  models: number;
  targets: number;
  games: number;
  seed: number;
}): { rows: RedteamRow[]; truth: Truth } {
  const rng = new Rng(opts.seed);
  // Ids are shuffled against skill so that sorted-id order tells nothing about the true order.
  const truth: Truth = { players: new Map(), models: new Map(), targets: new Map() };
  const skill = spread(opts.players, 2.5);
  const resist = spread(opts.models, 1.5);
  const diff = spread(opts.targets, 1);
  const perm = (n: number) => {
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  const pp = perm(opts.players);
  const mp = perm(opts.models);
  const tp = perm(opts.targets);
  skill.forEach((s, i) => truth.players.set(`player-${pad(pp[i]!)}`, s));
  resist.forEach((s, i) => truth.models.set(`model-${pad(mp[i]!)}`, s));
  diff.forEach((s, i) => truth.targets.set(`target-${pad(tp[i]!)}`, s));
  const kinds = ["bad-words", "secret", "system-prompt"];
  const rows: RedteamRow[] = [];
  for (let g = 0; g < opts.games; g++) {
    const p = Math.floor(rng.next() * opts.players);
    const m = Math.floor(rng.next() * opts.models);
    const t = Math.floor(rng.next() * opts.targets);
    const prob = 1 / (1 + Math.exp(-(skill[p]! - resist[m]! - diff[t]!)));
    const win = rng.next() < prob;
    rows.push({
      id: `game-${g}`,
      tstamp: 1_760_000_000 + g * 7,
      player: `player-${pad(pp[p]!)}`,
      model: `model-${pad(mp[m]!)}`,
      kind: kinds[tp[t]! % 3]!,
      target: `target-${pad(tp[t]!)}`,
      outcome: win ? "win" : rng.next() < 0.2 ? "forfeit" : "loss",
      turns: 1 + Math.floor(rng.next() * 5),
      seconds: Math.floor(rng.next() * 60),
    });
  }
  return { rows, truth };
}

/** Spearman rank correlation (no ties in the true values; published ties get average ranks). */
export function spearman(truth: Map<string, number>, published: { id: string; score: number }[]): number {
  const ranks = (v: number[]) => {
    const idx = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
      for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const a = ranks(published.map((e) => truth.get(e.id)!));
  const b = ranks(published.map((e) => e.score));
  const n = a.length;
  const mean = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i]! - mean) * (b[i]! - mean);
    da += (a[i]! - mean) ** 2;
    db += (b[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}
