// Dedup tags (FastChat's deduplication): prompts asked more often than the 99.9th percentile of prompt counts keep
// only floor(cutoff) battles in the `dedup` view, chosen by hash (the same ones on every run); the export carries
// `dedup_tag` and the ratings parser builds the `dedup` board from it.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { toExportLine } from "../../../d1/export";
import { db } from "../../../d1/queries";
import * as schema from "../../../d1/schema";
import { quantileFromHistogram, sampleBattles } from "../../../shared/data/cleaning/dedup";
import { parseBattles } from "../../../shared/ratings/parse";
import { runDedup } from "../../../workers/cron/maintenance";
import { hex64, vote, writeVotes } from "./helpers";

const classified = (promptHash: string) => ({
  rev: 5,
  labels: { coding: false, multi_turn: false, long_query: false, short_query: false },
  promptHash,
});

describe("dedup", () => {
  it("quantile from a histogram interpolates like pandas", () => {
    // 60 prompts seen once and one seen 40 times: rank 59.94 lies between 1 and 40.
    expect(
      quantileFromHistogram(
        [
          { count: 1, prompts: 60 },
          { count: 40, prompts: 1 },
        ],
        0.999,
      ),
    ).toBeCloseTo(37.66, 6);
    expect(quantileFromHistogram([{ count: 3, prompts: 1 }], 0.999)).toBe(3);
    expect(quantileFromHistogram([], 0.999)).toBe(0);
  });

  it("samples by hash, the same battles every time", () => {
    const ids = Array.from({ length: 10 }, (_, i) => `id-${i}`);
    const a = sampleBattles("p", ids, 4.9);
    expect(a.size).toBe(4);
    expect(sampleBattles("p", [...ids].reverse(), 4.9)).toEqual(a);
  });

  it("tags the battles of a high-frequency prompt, keeps the cap, and is stable across runs", async () => {
    const d = db(env.DB);
    const now = Date.now();
    const frequent = hex64(1);
    const votes = [
      ...Array.from({ length: 40 }, () => vote({ classification: classified(frequent) })),
      ...Array.from({ length: 60 }, (_, i) => vote({ classification: classified(hex64(1000 + i)) })),
    ];
    await writeVotes(votes.map((v) => ({ vote: v, recordedAt: now })));
    const first = (await runDedup(d, now, true))!;
    expect(first.highFreqPrompts).toBe(1);
    expect(first.cutoff).toBeCloseTo(37.66, 6);
    const b = schema.battles;
    const tagged = await d.select().from(b).where(eq(b.promptHash, frequent));
    expect(tagged.every((r) => r.dedupHighFreq)).toBe(true);
    expect(tagged.filter((r) => r.dedupSampled)).toHaveLength(37);
    expect(tagged.every((r) => r.changedAt !== null)).toBe(true);
    const others = await d
      .select()
      .from(b)
      .where(and(eq(b.dedupHighFreq, false), eq(b.dedupSampled, true)));
    expect(others).toHaveLength(60);

    // Not due again yet; forced, it changes nothing.
    expect(await runDedup(d, now + 1000, false)).toBe(null);
    expect((await runDedup(d, now + 1000, true))!.changed).toBe(0);

    // The export carries the tag and the parser builds the dedup view from it.
    const lines = (await d.select().from(b)).map((r) => JSON.stringify(toExportLine(r))).join("\n");
    const { table } = parseBattles(lines, "jsonl");
    const bit = table.categories.indexOf("dedup");
    expect(bit).toBeGreaterThanOrEqual(0);
    let inView = 0;
    for (let i = 0; i < table.length; i++) if ((table.categoryBits[i]! >>> bit) & 1) inView++;
    expect(inView).toBe(97);
  });

  it("spends a bounded number of D1 queries per run and finishes the pass from a cursor on later runs", async () => {
    const d = db(env.DB);
    const b = schema.battles;
    await d.delete(b).run();
    await env.DB.prepare("DELETE FROM maintenance_state").run();
    const now = Date.now();
    const frequent = [hex64(7001), hex64(7002), hex64(7003)];
    await writeVotes(
      [
        ...frequent.flatMap((h) => Array.from({ length: 200 }, () => vote({ classification: classified(h) }))),
        ...Array.from({ length: 3000 }, (_, i) => vote({ classification: classified(hex64(8000 + i)) })),
      ].map((v) => ({ vote: v, recordedAt: now })),
    );
    // Budget 2: one select and one update per run, so each frequent prompt takes several runs.
    const reports = [];
    for (let run = 0; run < 30; run++) {
      const r = await runDedup(d, now + run, run === 0, 2);
      reports.push(r);
      if (r?.complete) break;
    }
    expect(reports.length).toBeGreaterThan(3);
    expect(reports.slice(0, -1).every((r) => r && !r.complete)).toBe(true); // continued without waiting
    expect(reports.at(-1)!.complete).toBe(true);
    const cutoff = reports.at(-1)!.cutoff;
    for (const h of frequent) {
      const rows = await d.select().from(b).where(eq(b.promptHash, h));
      expect(rows.every((r) => r.dedupHighFreq)).toBe(true);
      expect(rows.filter((r) => r.dedupSampled)).toHaveLength(Math.floor(cutoff));
    }
    // Done: the next run waits for the interval again.
    expect(await runDedup(d, now + 31, false)).toBe(null);
  });
});
