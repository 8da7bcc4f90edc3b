// Leaderboard v2 in the published JSON (DESIGN section 14): with the snapshot's frozen models.json, every board's
// entries carry their model's known metadata, the board gains `adjusted.price` / `adjusted.size` (fit and
// residuals with intervals, at the published precision) and the price–score `frontier`; without it nothing changes.
import { describe, expect, it } from "vitest";
import { buildLeaderboard } from "../../../shared/ratings/leaderboard";
import { MODELS_SCHEMA, parseModelsFile, modelsFileText, type ModelsFile } from "../../../shared/ratings/models-file";
import { Rng } from "../../../shared/ratings/rng";
import { modelNames, simulateTable } from "./sim";

const N = 6;
const truth = [1150, 1100, 1060, 1000, 950, 900];
const names = modelNames(N);
const models: ModelsFile = {
  schema: MODELS_SCHEMA,
  snapshot: "2026-12-04T00:00:00Z-abcd",
  generatedAt: "2026-12-04T00:00:00.000Z",
  models: names.map((id, i) => ({
    id,
    name: id,
    organization: "Lab",
    license: "MIT",
    releasedAt: null,
    parameters: i === 5 ? null : 10 * (i + 1),
    activeParameters: null,
    openWeights: i % 2 === 0,
    pricing: i === 4 ? null : { input: 1, output: 20 / (i + 1) },
    contextWindow: 8192,
    knowledgeCutoff: "2024-06",
  })),
};
const meta = { snapshot: "s", generatedAt: "t", sha256: "x", excluded: {} };

describe("leaderboard v2 boards", async () => {
  const table = () => simulateTable(N, [{ truth, battles: 3000 }], new Rng(7));
  const json = await buildLeaderboard(table(), { models, bootstrap: 40 }, meta);
  const plain = await buildLeaderboard(table(), { bootstrap: 40 }, meta);
  const overall = json.categories.overall!;

  it("carries the metadata on entries and the adjusted views and frontier on the board", () => {
    const top = overall.models.find((m) => m.model === names[0]) as unknown as Record<string, unknown>;
    expect(top).toMatchObject({ parameters: 10, openWeights: true, pricing: { input: 1, output: 20 } });
    expect(top).not.toHaveProperty("activeParameters"); // unknown: left out
    expect(Object.keys(overall)).toEqual(["battles", "models", "pairwise", "adjusted", "frontier", "method"]);
    const price = overall.adjusted!.price!;
    expect(price.models.map((m) => m.model).sort()).toEqual(names.filter((_, i) => i !== 4).sort());
    for (const m of price.models) {
      expect(m.ci![0]).toBeLessThanOrEqual(m.adjusted);
      expect(m.ci![1]).toBeGreaterThanOrEqual(m.adjusted);
      expect(m.adjusted).toBe(Math.round(m.adjusted * 1e6) / 1e6); // the boards' precision
    }
    expect(overall.adjusted!.size!.models).toHaveLength(5);
    // The frontier: no listed model dominated by another priced model.
    const priced = overall.models.filter((m) => (m as { pricing?: unknown }).pricing);
    for (const f of overall.frontier!) {
      const dominated = priced.some((q) => {
        const p = (q as unknown as { pricing: { output: number } }).pricing.output;
        return p <= f.price && q.rating >= f.rating && (p < f.price || q.rating > f.rating);
      });
      expect(dominated, f.model).toBe(false);
    }
    expect(overall.frontier!.map((f) => f.price)).toEqual(
      [...overall.frontier!.map((f) => f.price)].sort((a, b) => a - b),
    );
  });

  it("changes nothing else, and nothing at all without metadata", () => {
    expect(plain.categories.overall).not.toHaveProperty("adjusted");
    expect(plain.categories.overall).not.toHaveProperty("frontier");
    const strip = (m: object) =>
      Object.fromEntries(Object.entries(m).filter(([k]) => ["model", "rating", "ci", "votes", "rank"].includes(k)));
    expect(overall.models.map(strip)).toEqual(plain.categories.overall!.models.map(strip));
    expect(overall.pairwise).toEqual(plain.categories.overall!.pairwise);
  });

  it("round-trips models.json through its canonical text", () => {
    expect(parseModelsFile(modelsFileText(models))).toEqual({
      ...models,
      models: [...models.models].sort((a, b) => (a.id < b.id ? -1 : 1)),
    });
    expect(() => parseModelsFile('{"schema":"nope"}')).toThrow(/schema/);
    expect(() =>
      parseModelsFile(JSON.stringify({ ...models, models: [{ ...models.models[0], parameters: -1 }] })),
    ).toThrow(/models\[0\]\.parameters/);
  });
});
