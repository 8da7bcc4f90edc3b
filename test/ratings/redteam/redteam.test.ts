// The Red Team Arena board (shared/ratings/redteam.ts, DESIGN section 11) on scripted games of known truth: orders
// recovered, intervals around their scores, forfeit = loss, finite scores for an undefeated player, same bytes for
// the same games in any order, and valid numbers on tiny inputs.
import { describe, expect, it } from "vitest";
import { fitRedteam, buildCells, REDTEAM_LAMBDA, redteamObjective } from "../../../shared/ratings/redteam-fit";
import { buildRedteamJson, redteamJsonText, type RedteamJson, type RedteamRow } from "../../../shared/ratings/redteam";
import { parseRedteamJsonl } from "../../../shared/ratings/redteam-parse";
import { InputError } from "../../../shared/ratings/parse";
import { scriptedGames, spearman } from "./helpers";

const meta = { snapshot: "snap-1", generatedAt: "2026-12-01T00:00:00.000Z", sha256: "a".repeat(64) };
const game = (
  id: string,
  player: string,
  model: string,
  target: string,
  outcome: RedteamRow["outcome"],
  tstamp = 1,
): RedteamRow => ({
  id,
  tstamp,
  player,
  model,
  kind: "bad-words",
  target,
  outcome,
  turns: 1,
  seconds: 10,
});

function allNumbersFinite(json: RedteamJson): void {
  const text = JSON.stringify(json);
  expect(text).not.toMatch(/NaN|Infinity|null,null/);
  for (const e of [...json.players, ...json.models, ...json.targets]) {
    expect(Number.isFinite(e.score)).toBe(true);
    if (e.ci) expect(e.ci.every(Number.isFinite)).toBe(true);
  }
}

describe("scripted players, models and targets of known strength", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`recovers the true orders (seed ${seed}, 600 games)`, () => {
      const { rows, truth } = scriptedGames({ players: 20, models: 6, targets: 12, games: 600, seed });
      const json = buildRedteamJson(rows, meta);
      expect(json.players).toHaveLength(20);
      expect(json.models).toHaveLength(6);
      expect(spearman(truth.players, json.players)).toBeGreaterThanOrEqual(0.9);
      expect(spearman(truth.models, json.models)).toBeGreaterThanOrEqual(0.9);
      for (const e of [...json.players, ...json.models, ...json.targets]) {
        expect(e.ci).not.toBeNull();
        expect(e.ci![0]).toBeLessThanOrEqual(e.score);
        expect(e.ci![1]).toBeGreaterThanOrEqual(e.score);
      }
      // Each group is centred on 1000; ranks start at 1 and follow the intervals.
      for (const group of [json.players, json.models, json.targets]) {
        const mean = group.reduce((s, e) => s + e.score, 0) / group.length;
        expect(mean).toBeCloseTo(1000, 3);
      }
      expect(json.players[0]!.rank).toBe(1);
      for (const p of json.players) {
        const above = json.players.filter((q) => q.ci![0] > p.ci![1]).length;
        expect(p.rank).toBe(1 + above);
      }
      expect(json.data.games).toBe(600);
      expect(json.players.reduce((s, p) => s + p.games, 0)).toBe(600);
      allNumbersFinite(json);
    });
  }

  it("solves the penalised score equations: ∇(logloss + λ/2‖β‖²) = 0", () => {
    const { rows } = scriptedGames({ players: 15, models: 5, targets: 7, games: 300, seed: 9 });
    const ids = (k: keyof RedteamRow) => [...new Set(rows.map((r) => r[k] as string))].sort();
    const [P, M, T] = [ids("player"), ids("model"), ids("target")];
    const idx = (list: string[], v: string) => list.indexOf(v);
    const cells = buildCells(
      P.length,
      M.length,
      T.length,
      Int32Array.from(rows, (r) => idx(P, r.player)),
      Int32Array.from(rows, (r) => idx(M, r.model)),
      Int32Array.from(rows, (r) => idx(T, r.target)),
      Uint8Array.from(rows, (r) => (r.outcome === "win" ? 1 : 0)),
    );
    const fit = fitRedteam(cells, cells.count);
    expect(fit.converged).toBe(true);
    const f0 = redteamObjective(cells, cells.count, fit.beta, REDTEAM_LAMBDA);
    // Any small move increases the strictly convex objective.
    for (let k = 0; k < fit.beta.length; k += 3) {
      for (const d of [1e-4, -1e-4]) {
        const b = Float64Array.from(fit.beta);
        b[k]! += d;
        expect(redteamObjective(cells, cells.count, b, REDTEAM_LAMBDA)).toBeGreaterThan(f0);
      }
    }
  });
});

describe("rules", () => {
  it("a forfeit counts exactly as a loss", () => {
    const { rows } = scriptedGames({ players: 8, models: 3, targets: 4, games: 120, seed: 5 });
    const asLoss = rows.map((r) => (r.outcome === "forfeit" ? { ...r, outcome: "loss" as const } : r));
    expect(rows.some((r) => r.outcome === "forfeit")).toBe(true);
    const a = buildRedteamJson(rows, meta);
    const b = buildRedteamJson(asLoss, meta);
    expect(redteamJsonText(a)).toBe(redteamJsonText(b));
  });

  it("an undefeated player and an unbroken model get finite scores, at the top", () => {
    const { rows } = scriptedGames({ players: 10, models: 4, targets: 5, games: 200, seed: 6 });
    const extra: RedteamRow[] = [];
    for (let g = 0; g < 12; g++)
      extra.push(game(`ace-${g}`, "ace", `model-00${g % 4}`, `extra-${g % 3}`, "win", 2e9 + g));
    for (let g = 0; g < 12; g++)
      extra.push(game(`wall-${g}`, `player-00${g % 10}`, "wall", `extra-${g % 3}`, "loss", 2e9 + g));
    const json = buildRedteamJson([...rows, ...extra], meta);
    const ace = json.players.find((p) => p.id === "ace")!;
    expect(ace.wins).toBe(12);
    expect(Number.isFinite(ace.score)).toBe(true);
    expect(json.players[0]!.id).toBe("ace");
    const wall = json.models.find((m) => m.id === "wall")!;
    expect(wall.breakRate).toBe(0);
    expect(json.models[0]!.id).toBe("wall");
    allNumbersFinite(json);
  });

  it("is deterministic and independent of the row order (live follows tstamp, id)", () => {
    const { rows } = scriptedGames({ players: 12, models: 4, targets: 6, games: 250, seed: 7 });
    const text = redteamJsonText(buildRedteamJson(rows, meta));
    expect(redteamJsonText(buildRedteamJson(rows, meta))).toBe(text);
    expect(redteamJsonText(buildRedteamJson([...rows].reverse(), meta))).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("publishes handles and model names from the meta, ids otherwise", () => {
    const rows = [game("g1", "p1", "m1", "t1", "win"), game("g2", "p2", "m1", "t1", "loss")];
    const json = buildRedteamJson(rows, { ...meta, handles: { p1: "alice" }, modelNames: { m1: "Model One" } });
    expect(json.players.map((p) => p.handle).sort()).toEqual(["alice", "p2"]);
    expect(json.models[0]!.name).toBe("Model One");
  });

  it("rejects one target id under two kinds", () => {
    const rows = [game("g1", "p1", "m1", "t1", "win"), { ...game("g2", "p1", "m1", "t1", "loss"), kind: "secret" }];
    expect(() => buildRedteamJson(rows, meta)).toThrow(/target "t1"/);
  });
});

describe("small and degenerate inputs give valid numbers", () => {
  it("no games", () => {
    const json = buildRedteamJson([], meta);
    expect(json).toMatchObject({ data: { games: 0 }, players: [], models: [], targets: [] });
    expect(JSON.parse(redteamJsonText(json))).toEqual(json);
  });

  it("one game", () => {
    for (const outcome of ["win", "loss", "forfeit"] as const) {
      const json = buildRedteamJson([game("g1", "p1", "m1", "t1", outcome)], meta);
      expect(json.players).toEqual([
        {
          id: "p1",
          handle: "p1",
          score: 1000,
          ci: [1000, 1000],
          rank: 1,
          games: 1,
          wins: outcome === "win" ? 1 : 0,
          live: 1000,
        },
      ]);
      expect(json.models[0]).toMatchObject({ score: 1000, rank: 1, games: 1, breakRate: outcome === "win" ? 1 : 0 });
      expect(json.targets[0]).toMatchObject({ id: "t1", kind: "bad-words", score: 1000, games: 1 });
      allNumbersFinite(json);
    }
  });

  it("one player against many models, and bootstrap 0", () => {
    const rows = Array.from({ length: 9 }, (_, g) =>
      game(`g${g}`, "solo", `m${g % 3}`, `t${g % 2}`, g % 2 ? "win" : "loss", g),
    );
    const json = buildRedteamJson(rows, meta);
    expect(json.players).toHaveLength(1);
    expect(json.models).toHaveLength(3);
    allNumbersFinite(json);
    const none = buildRedteamJson(rows, meta, { bootstrap: 0 });
    expect(none.models.every((m) => m.ci === null)).toBe(true);
    expect(none.method).toMatchObject({ ci: { rounds: 0 } });
  });
});

describe("reading the export", () => {
  it("reads rows and names the bad line", () => {
    const good = JSON.stringify(game("g1", "p1", "m1", "t1", "win"));
    expect(parseRedteamJsonl(`${good}\n\n`).rows).toHaveLength(1);
    const bad = JSON.stringify({ ...game("g2", "p1", "m1", "t1", "win"), outcome: "draw" });
    expect(() => parseRedteamJsonl(`${good}\n${bad}\n`)).toThrow(InputError);
    expect(() => parseRedteamJsonl(`${good}\n${bad}\n`)).toThrow(/^line 2: "outcome" must be/);
    expect(() => parseRedteamJsonl(`${good}\n{oops\n`)).toThrow(/^line 2: invalid JSON/);
    expect(() => parseRedteamJsonl(`${good}\n${good}\n`)).toThrow(
      /^line 2: duplicate game id "g1" \(first on line 1\)/,
    );
    const noPlayer = JSON.stringify({ ...game("g3", "p1", "m1", "t1", "win"), player: undefined });
    expect(() => parseRedteamJsonl(`${noPlayer}\n`)).toThrow(/^line 1: missing field "player"/);
    expect(parseRedteamJsonl(`${good}\n${bad}\n`, { skipInvalid: true }).skipped).toEqual({ "invalid:bad_value": 1 });
  });
});
