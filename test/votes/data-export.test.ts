// Open data end to end in the Workers runtime: a vote's heuristic labels (computed in the DO) and its LLM-judge
// labels (arena-labels queue, demo labeller) reach the battle row, the label table and the export; the released
// conversations carry only consented battles, PII scrubbed, in FastChat's conv_release shape.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { db, getBattleRow } from "../../d1/queries";
import * as schema from "../../d1/schema";
import { eq } from "drizzle-orm";
import worker from "../../workers/index";
import { call, createBattle, expectError, getBattle, post, seedDemoModels, sendMessage } from "../helpers";

async function voteAndWait(id: string) {
  expect((await post(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(200);
  await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
}

describe("open data", () => {
  it("labels reach the battle row and the export; conversations are consented-only and scrubbed", async () => {
    await expectError(await call("/api/export/conversations.jsonl"), 503, "not_ready");
    await seedDemoModels();
    const consented = await createBattle({ mode: "anonymous", consent: true });
    await sendMessage(
      consented,
      "Write a Python function that solves 3x + 7 = 22 and mail the result to jane.doe@example.com or call +1 415 555 0132.",
    );
    await voteAndWait(consented);
    const private_ = await createBattle({ mode: "anonymous" });
    await sendMessage(private_, "Wie berechne ich die Fläche eines Kreises mit dem Radius 4?");
    await sendMessage(private_, "Und den Umfang?");
    await voteAndWait(private_);

    const d = db(env.DB);
    // The judge labels arrive through their own queue (demo labeller).
    await expect
      .poll(async () => (await getBattleRow(d, consented))?.judgeRev ?? null, { timeout: 10_000 })
      .not.toBe(null);
    const row = (await getBattleRow(d, consented))!;
    expect(row.language).toBe("en");
    expect(row.categories).toEqual(expect.arrayContaining(["coding", "math"]));
    expect(row.promptHash).toMatch(/^[0-9a-f]{64}$/);
    const labels = await d.select().from(schema.battleLabels).where(eq(schema.battleLabels.battleId, consented));
    expect(labels.map((l) => l.label).sort()).toEqual([
      "coding",
      "creative_writing",
      "hard_prompts",
      "instruction_following",
      "language",
      "long_query",
      "math",
      "multi_turn",
      "short_query",
    ]);
    expect(labels.every((l) => l.version >= 1)).toBe(true);
    const german = (await getBattleRow(d, private_))!;
    expect(german.language).toBe("de");
    expect(german.categories).toContain("multi_turn");

    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    const lines = (await (await call("/api/export/battles.jsonl")).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const exported = lines.find((l) => l.id === consented);
    expect(exported).toMatchObject({
      language: "en",
      dedup_tag: { high_freq: false, sampled: true },
      judge: expect.stringMatching(/^[0-9a-f]{64}$/),
      conv_metadata: { sum_user_tokens: expect.any(Number), turns: 1 },
    });
    expect(exported.categories).toEqual(expect.arrayContaining(["coding", "math"]));

    const res = await call("/api/export/conversations.jsonl");
    expect(res.status).toBe(200);
    const released = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(released.map((r) => r.id)).toEqual([consented]);
    const conv = released[0];
    expect(Object.keys(conv).sort()).toEqual(
      [
        "anony",
        "categories",
        "conversation_a",
        "conversation_b",
        "id",
        "judge",
        "language",
        "model_a",
        "model_b",
        "tstamp",
        "turn",
        "winner",
      ].sort(),
    );
    const text = JSON.stringify(conv);
    expect(text).not.toContain("jane.doe@example.com");
    expect(text).not.toContain("555 0132");
    expect(conv.conversation_a[0]).toEqual({
      role: "user",
      content: "Write a Python function that solves 3x + 7 = 22 and mail the result to [EMAIL] or call [PHONE].",
    });
    expect(conv.conversation_a[1].role).toBe("assistant");
    await expectError(await call("/api/export/conversations.jsonl?snapshot=nope"), 404, "snapshot_not_found");
  });
});
