// Leaderboard v2 change over time: the paired bootstrap of ratingChanges (earlier battle set = the rows before a
// cutoff, a subset of the current set). Calibration on simulated battles with known truth: with no true change
// the per-model false-positive rate is at the nominal 5% and Holm keeps the familywise rate at or below 5%; a
// planted 30-point drop of one model is detected at a realistic vote count. Plus the exact edge cases.
import { describe, expect, it } from "vitest";
import { computeBoard } from "../../../shared/ratings/board";
import { parseBattles } from "../../../shared/ratings/parse";
import { holmAdjust, ratingChanges } from "../../../shared/ratings/change";
import { Rng } from "../../../shared/ratings/rng";
import type { BattleTable } from "../../../shared/ratings/table";
import { segmentStart, simulateTable } from "./sim";

const M = 12;

function truthOf(rng: Rng): number[] {
  return Array.from({ length: M }, () => 1000 + 100 * rng.normal());
}

/** Rows in a seeded random order (tstamps travel with their rows). */
function shuffled(t: BattleTable, seed: number): BattleTable {
  const rng = new Rng(seed);
  const perm = Array.from({ length: t.length }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const out: BattleTable = {
    ...t,
    modelA: Uint16Array.from(perm, (s) => t.modelA[s]!),
    modelB: Uint16Array.from(perm, (s) => t.modelB[s]!),
    outcome: Uint8Array.from(perm, (s) => t.outcome[s]!),
    categoryBits: Uint32Array.from(perm, (s) => t.categoryBits[s]!),
    tstamp: Float64Array.from(perm, (s) => t.tstamp![s]!),
  };
  return out;
}

describe("ratingChanges: calibration", () => {
  it("no true change: per-model false-positive rate ≈ 5%, Holm familywise rate ≤ 5% (200 draws × 12 models, 10k + 10k battles)", () => {
    let tests = 0;
    let raw = 0;
    let holm = 0;
    let familywise = 0;
    let covered = 0;
    for (let d = 0; d < 200; d++) {
      const rng = new Rng(777 + d);
      const truth = truthOf(rng);
      const t = simulateTable(
        M,
        [
          { truth, battles: 10_000 },
          { truth, battles: 10_000 },
        ],
        rng,
        0.2,
      );
      const r = ratingChanges(t, { before: segmentStart(1), rounds: 100, seed: d });
      expect(r.models).toHaveLength(M);
      let any = false;
      for (const m of r.models) {
        tests++;
        if (m.p < 0.05) raw++;
        if (m.significant) {
          holm++;
          any = true;
        }
        if (m.ci![0] <= 0 && 0 <= m.ci![1]) covered++;
      }
      if (any) familywise++;
    }
    console.log(
      `null: per-model p < 0.05 in ${raw}/${tests} = ${((100 * raw) / tests).toFixed(1)}%, 95% interval covers 0 in ` +
        `${((100 * covered) / tests).toFixed(1)}%, Holm-significant ${holm}/${tests}, familywise ${familywise}/200 = ` +
        `${((100 * familywise) / 200).toFixed(1)}%`,
    );
    expect(raw / tests).toBeGreaterThan(0.025);
    expect(raw / tests).toBeLessThan(0.08);
    expect(covered / tests).toBeGreaterThan(0.92);
    expect(familywise / 200).toBeLessThanOrEqual(0.08);
  });

  it("detects a planted 30-point drop of one model: 50k battles before, 50k after (~8,300 of its votes in each)", () => {
    let detected = 0;
    let deltaSum = 0;
    const draws = 30;
    for (let d = 0; d < draws; d++) {
      const rng = new Rng(9000 + d);
      const truth = truthOf(rng);
      const after = truth.slice();
      after[0] = after[0]! - 30;
      const t = simulateTable(
        M,
        [
          { truth, battles: 50_000 },
          { truth: after, battles: 50_000 },
        ],
        rng,
        0.2,
      );
      const r = ratingChanges(t, { before: segmentStart(1), rounds: 100, seed: d });
      const m = r.models.find((x) => x.model === "model-000")!;
      if (m.significant && m.delta < 0) detected++;
      deltaSum += m.delta;
    }
    console.log(
      `planted −30 from the cutoff (half the battles after it): detected (Holm, α = 0.05) in ${detected}/${draws}, ` +
        `mean delta ${(deltaSum / draws).toFixed(1)} points (the current rating pools old and new battles)`,
    );
    expect(detected / draws).toBeGreaterThanOrEqual(0.75);
  });
});

describe("ratingChanges: exact behaviour", () => {
  const rng = new Rng(4);
  const truth = truthOf(rng);
  const table = simulateTable(
    M,
    [
      { truth, battles: 3000 },
      { truth, battles: 3000 },
    ],
    rng,
    0.2,
  );

  it("the time filter is the earlier rows: computeBoard on it equals computeBoard on the prefix", () => {
    const a = computeBoard(table, { name: "x", bootstrap: 10, filter: { tstampBefore: segmentStart(1) }, elo: false });
    const prefix: BattleTable = {
      ...table,
      length: 3000,
      modelA: table.modelA.subarray(0, 3000),
      modelB: table.modelB.subarray(0, 3000),
      outcome: table.outcome.subarray(0, 3000),
      categoryBits: table.categoryBits.subarray(0, 3000),
      tstamp: null,
    };
    const b = computeBoard(prefix, { name: "x", bootstrap: 10, elo: false });
    expect(a.models).toEqual(b.models);
    expect(a.battles).toBe(3000);
  });

  it("no new battles: every delta is exactly 0 with interval [0, 0], nothing significant", () => {
    const r = ratingChanges(table, { before: segmentStart(5), rounds: 20 });
    expect(r.battlesBefore).toBe(r.battlesAfter);
    for (const m of r.models) {
      expect(m.delta).toBe(0);
      expect(m.ci).toEqual([0, 0]);
      expect(m.p).toBe(1);
      expect(m.significant).toBe(false);
      expect(m.before).toBeCloseTo(m.after, 9);
    }
  });

  it("from an export: the parser's tstamp column (tstamp: true) gives the same changes as the simulated table", () => {
    const names = table.models;
    const winner = ["model_a", "model_b", "tie", "tie (bothbad)"];
    const lines: string[] = [];
    for (let i = 0; i < table.length; i++)
      lines.push(
        JSON.stringify({
          id: `b${i}`,
          tstamp: table.tstamp![i],
          model_a: names[table.modelA[i]!],
          model_b: names[table.modelB[i]!],
          winner: winner[table.outcome[i]!],
        }),
      );
    const parsed = parseBattles(lines.join("\n"), "jsonl", { tstamp: true }).table;
    const opts = { before: segmentStart(1), rounds: 20, seed: 1 };
    expect(ratingChanges(parsed, opts)).toEqual(ratingChanges(table, opts));
    expect(ratingChanges(parseBattles(lines.join("\n"), "jsonl").table, opts).models).toEqual([]);
  });

  it("no earlier battles or no tstamp column: no models", () => {
    expect(ratingChanges(table, { before: 0 }).models).toEqual([]);
    expect(ratingChanges({ ...table, tstamp: null }, { before: segmentStart(1) }).models).toEqual([]);
  });

  it("a model new since the cutoff is not in the result; deltas are centred over the common models", () => {
    const truth13 = [...truth, 1000];
    const r0 = new Rng(5);
    const t = simulateTable(
      13,
      [
        { truth: truth13, battles: 0 },
        { truth: truth13, battles: 4000 },
      ],
      r0,
      0.2,
    );
    // Make model 12 absent before the cutoff: move its earlier battles after it.
    const early = simulateTable(M, [{ truth, battles: 4000 }], r0, 0.2);
    const both: BattleTable = {
      ...t,
      length: 8000,
      modelA: Uint16Array.from([...early.modelA, ...t.modelA]),
      modelB: Uint16Array.from([...early.modelB, ...t.modelB]),
      outcome: Uint8Array.from([...early.outcome, ...t.outcome]),
      categoryBits: new Uint32Array(8000),
      tstamp: Float64Array.from([...early.tstamp!, ...Array.from(t.tstamp!, (x) => x + 1e6)]),
    };
    const r = ratingChanges(both, { before: segmentStart(1), rounds: 20 });
    expect(r.models.map((m) => m.model)).not.toContain("model-012");
    expect(r.models).toHaveLength(M);
    expect(Math.abs(r.models.reduce((s, m) => s + m.delta, 0))).toBeLessThan(1e-6);
  });

  it("deterministic and independent of row order", () => {
    const opts = { before: segmentStart(1), rounds: 30, seed: 3 };
    const a = ratingChanges(table, opts);
    const b = ratingChanges(shuffled(table, 11), opts);
    expect(b.models.map((m) => m.model)).toEqual(a.models.map((m) => m.model));
    b.models.forEach((m, k) => {
      const x = a.models[k]!;
      expect(m.delta).toBeCloseTo(x.delta, 9);
      expect(m.ci![0]).toBeCloseTo(x.ci![0], 9);
      expect(m.ci![1]).toBeCloseTo(x.ci![1], 9);
      expect(m.p).toBeCloseTo(x.p, 9);
    });
    expect(ratingChanges(table, opts)).toEqual(a);
  });

  it("holmAdjust: step-down adjusted p-values, monotone, capped at 1", () => {
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    // sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → max(0.06, 0.04) = 0.06
    expect(adj.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([0.9, 0.8])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
});
