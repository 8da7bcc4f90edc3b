// The board /api/leaderboard/prompt serves (shared/routing/prompt-board.ts): on synthetic battles whose strong model
// wins coding prompts and whose chatty model wins greetings (bench/router-synthetic.ts), a coding prompt's board and
// a greeting's board rank them the way the generator set; every interval holds its score; the weighted bootstrap
// agrees in width with the fit's curvature; the board is deterministic and has the leaderboard's shape.
import { describe, expect, it } from "vitest";
import { SYNTH_CHATTY, SYNTH_CODER, SYNTH_STRONG, SYNTH_WEAK } from "../../bench/router-synthetic";
import { hashedEmbedding, loadRouter, trainRouter, type LoadedP2l, type P2lParams } from "../../shared/routing/index";
import { openBattles } from "../../shared/routing/similarity";
import { promptLeaderboard } from "../../shared/routing/prompt-board";
import { embedder, pair, synthetic } from "./helpers";

describe("the prompt leaderboard", async () => {
  const { battles, embeddings } = await synthetic(2500, 11);
  const artifact = trainRouter("p2l", battles, embeddings, { ...pair, embedder, calibrationPrompts: 50 });
  const params = artifact.params as P2lParams;
  const ob = openBattles(params.store);
  const board = (prompt: string) =>
    promptLeaderboard(ob, hashedEmbedding(prompt), { tau: params.tau, ridge: params.ridge });
  const coding = board("Write a Python function that merges two sorted arrays");
  const greeting = board("hello! how are you doing today?");
  const place = (b: typeof coding, m: string) => b.models.findIndex((x) => x.model === m);

  it("ranks in the direction the generator set", () => {
    expect(place(coding, SYNTH_CODER)).toBeLessThan(place(coding, SYNTH_CHATTY));
    expect(place(coding, SYNTH_STRONG)).toBeLessThan(place(coding, SYNTH_WEAK));
    expect(place(greeting, SYNTH_CHATTY)).toBeLessThan(place(greeting, SYNTH_CODER));
    const gap = (b: typeof coding) =>
      b.models.find((x) => x.model === SYNTH_CODER)!.rating - b.models.find((x) => x.model === SYNTH_CHATTY)!.rating;
    expect(gap(coding)).toBeGreaterThan(gap(greeting) + 50);
  });

  it("has intervals that hold their scores and match the curvature's width", () => {
    const curvature = (loadRouter(artifact) as LoadedP2l).leaderboard(
      hashedEmbedding("Write a Python function that merges two sorted arrays"),
    );
    for (const m of coding.models) {
      expect(m.ci[0]).toBeLessThanOrEqual(m.rating);
      expect(m.ci[1]).toBeGreaterThanOrEqual(m.rating);
      const c = curvature.find((x) => x.model === m.model)!;
      const ratio = (m.ci[1] - m.ci[0]) / (c.upper - c.lower);
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
    // Ratings are centred on 1000; ranks follow DESIGN section 6 (1 + models whose lower bound is above the upper).
    const mean = coding.models.reduce((s, m) => s + m.rating, 0) / coding.models.length;
    expect(mean).toBeCloseTo(1000, 0);
    for (const m of coding.models) {
      expect(m.rank).toBe(1 + coding.models.filter((x) => x.ci[0] > m.ci[1]).length);
    }
    expect(coding.battles).toBeGreaterThan(10);
    expect(coding.battles).toBeLessThan(battles.length);
  });

  it("is deterministic and has the board's pairwise tables", () => {
    expect(board("Write a Python function that merges two sorted arrays")).toEqual(coding);
    const { models, winFraction, battles: counts } = coding.pairwise;
    expect(models).toEqual(coding.models.map((m) => m.model));
    for (let i = 0; i < models.length; i++) {
      expect(winFraction[i]![i]).toBeNull();
      for (let j = 0; j < models.length; j++) {
        expect(counts[i]![j]).toBe(counts[j]![i]);
        if (i !== j && winFraction[i]![j] !== null) expect(winFraction[i]![j]! + winFraction[j]![i]!).toBeCloseTo(1, 1);
      }
    }
  });
});
