// Re-labelling in the background: battles labelled by an older heuristic version (or never) are picked up by
// runMaintenance in bounded batches and re-labelled from their retained transcript; without text, what the row
// itself says is recomputed and the rest is carried at the new version. The battle row follows (categories, language).
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, getBattleRow } from "../../../d1/queries";
import * as schema from "../../../d1/schema";
import { HEURISTIC_VERSIONS, HEURISTICS_REVISION } from "../../../shared/data/categories";
import { runMaintenance } from "../../../workers/cron/maintenance";
import { vote, writeVotes } from "./helpers";

describe("maintenance: heuristic re-labelling", () => {
  it("re-labels stale battles from their transcript, carries the others, in bounded batches", async () => {
    const d = db(env.DB);
    const withText = vote({
      language: null,
      classification: {
        rev: HEURISTICS_REVISION - 1,
        labels: { coding: false, multi_turn: false, long_query: false, short_query: false },
        promptHash: "11".repeat(32),
      },
    });
    const key = `transcripts/test/${withText.battleId}.json`;
    await env.STORE.put(
      key,
      JSON.stringify({
        id: withText.battleId,
        modelA: "m-a",
        modelB: "m-b",
        conversationA: [
          { role: "user", content: "Wie schreibe ich eine Python-Funktion, die eine Liste umdreht?" },
          { role: "assistant", content: "Mit ```python\nxs[::-1]\n```" },
        ],
        conversationB: [
          { role: "user", content: "Wie schreibe ich eine Python-Funktion, die eine Liste umdreht?" },
          { role: "assistant", content: "Nutze reversed()." },
        ],
      }),
    );
    const noText = vote({ turns: 3, userTokens: 700, classification: undefined });
    const current = vote();
    const now = Date.now();
    await writeVotes([
      { vote: withText, recordedAt: now, transcriptKey: key },
      { vote: noText, recordedAt: now },
      { vote: current, recordedAt: now },
    ]);
    expect((await getBattleRow(d, noText.battleId))!.labelsRev).toBe(null);

    const first = await runMaintenance(env, { relabelBatch: 1 });
    expect(first.relabelled).toBe(1); // bounded
    const second = await runMaintenance(env, { relabelBatch: 100 });
    expect(second.relabelled).toBe(1);
    expect((await runMaintenance(env)).relabelled).toBe(0);

    const a = (await getBattleRow(d, withText.battleId))!;
    expect(a).toMatchObject({ labelsRev: HEURISTICS_REVISION, language: "de", categories: ["coding"] });
    expect(a.changedAt).toBeGreaterThanOrEqual(now);
    expect(a.promptHash).not.toBe("11".repeat(32)); // recomputed from the text
    const labels = await d
      .select()
      .from(schema.battleLabels)
      .where(eq(schema.battleLabels.battleId, withText.battleId));
    expect(labels.find((l) => l.label === "coding")).toMatchObject({ value: true, version: HEURISTIC_VERSIONS.coding });

    const c = (await getBattleRow(d, noText.battleId))!;
    expect(c.labelsRev).toBe(HEURISTICS_REVISION);
    expect(c.categories).toEqual(["long_query", "multi_turn"]);
    expect(c.language).toBe("en");
    const carried = await d.select().from(schema.battleLabels).where(eq(schema.battleLabels.battleId, noText.battleId));
    expect(carried.find((l) => l.label === "coding")).toMatchObject({ value: null, detail: "carried" });

    // A battle already current is never touched.
    expect((await getBattleRow(d, current.battleId))!.changedAt).toBe(null);
  });
});
