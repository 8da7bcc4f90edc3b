// Judge labels in the background: battles without current judge labels (never judged, a job lost, or judged with an
// older prompt version or another labeller) are queued again on arena-labels by maintenance, at most once per
// JUDGE_REQUEUE_MS; the labels consumer then labels them (here without text: recorded as no label, "no_text").
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { countVoterVote, db, getBattleRow } from "../../../d1/queries";
import * as schema from "../../../d1/schema";
import { utcDay } from "../../../shared/core/time";
import { judgeRevision } from "../../../shared/data/labels/judge";
import { JUDGE_REQUEUE_MS, runMaintenance } from "../../../workers/cron/maintenance";
import { vote, writeVotes } from "./helpers";

describe("maintenance: judge re-queue and pruning", () => {
  it("queues battles whose judge labels are missing or stale, once per window, and the consumer labels them", async () => {
    const d = db(env.DB);
    const missing = vote();
    const stale = vote();
    const excluded = vote({ excludedReason: "identity_leak" });
    const now = Date.now();
    await writeVotes([missing, stale, excluded].map((v) => ({ vote: v, recordedAt: now })));
    await d.update(schema.battles).set({ judgeRev: "demo:math.0" }).where(eq(schema.battles.id, stale.battleId));

    const first = await runMaintenance(env, { now });
    expect(first.judgeQueued).toBe(2); // not the excluded battle
    expect((await getBattleRow(d, missing.battleId))!.judgeRequestedAt).toBe(now);
    // Queued moments ago: not again until the window has passed.
    const rev = judgeRevision("demo");
    await expect.poll(async () => (await getBattleRow(d, stale.battleId))!.judgeRev, { timeout: 10_000 }).toBe(rev);
    await expect.poll(async () => (await getBattleRow(d, missing.battleId))!.judgeRev, { timeout: 10_000 }).toBe(rev);
    const labels = await d.select().from(schema.battleLabels).where(eq(schema.battleLabels.battleId, missing.battleId));
    expect(labels.filter((l) => l.source === "judge").map((l) => [l.value, l.detail])).toEqual([
      [null, "no_text"],
      [null, "no_text"],
      [null, "no_text"],
      [null, "no_text"],
    ]);
    expect((await runMaintenance(env, { now: now + JUDGE_REQUEUE_MS * 2 })).judgeQueued).toBe(0);
  });

  it("prunes vote-cap counters older than two days", async () => {
    const d = db(env.DB);
    const now = Date.now();
    await countVoterVote(d, "aa".repeat(32), utcDay(now - 5 * 86_400_000));
    await countVoterVote(d, "aa".repeat(32), utcDay(now));
    expect((await runMaintenance(env, { now })).pruned).toBe(1);
    expect(await d.select().from(schema.voterDailyVotes)).toHaveLength(1);
  });
});
