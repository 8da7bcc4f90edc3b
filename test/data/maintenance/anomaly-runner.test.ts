// The anomalous-voter runner over real D1: votes recorded by the batch worker's insert are read in recording order
// across several bounded passes; scripted voters are flagged, all their battles excluded with `anomalous_voter`
// (counted in data.excluded of the next snapshot), and a later vote from a flagged voter is excluded on insert.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, excludedCounts, getBattleRow } from "../../../d1/queries";
import * as schema from "../../../d1/schema";
import { mulberry32 } from "../../../shared/core/random";
import worker from "../../../workers/index";
import { runMaintenance } from "../../../workers/cron/maintenance";
import { hex64, vote, writeVotes } from "./helpers";
import { putModel } from "../../helpers";
import type { VoteMessage } from "../../../queues/votes";
import { R, read } from "../../responses";

const MODELS = ["anm-1", "anm-2", "anm-3", "anm-4", "anm-5", "anm-6"];
const RATING: Record<string, number> = {
  "anm-1": 850,
  "anm-2": 920,
  "anm-3": 990,
  "anm-4": 1060,
  "anm-5": 1130,
  "anm-6": 1200,
};

describe("maintenance: anomalous voters", () => {
  it("flags scripted voters over bounded passes and excludes their votes from the published set", async () => {
    for (const id of MODELS) {
      expect(
        (await putModel(id, { name: id, organization: "Anomaly Test Org", provider: "demo", upstreamModel: "terse" }))
          .status,
      ).toBe(200);
    }
    const rand = mulberry32(99);
    const start = Date.now() - 3_600_000;
    const votes: { vote: VoteMessage; recordedAt: number }[] = [];
    const pair = () => {
      const i = Math.floor(rand() * 6);
      let j = Math.floor(rand() * 5);
      if (j >= i) j++;
      return [MODELS[i]!, MODELS[j]!] as const;
    };
    const push = (voter: string, a: string, b: string, winner: VoteMessage["winner"]) =>
      votes.push({ vote: vote({ voterHash: voter, modelA: a, modelB: b, winner }), recordedAt: start + votes.length });
    const honest = Array.from({ length: 150 }, (_, i) => hex64(i + 1));
    const scripted = [hex64(9001), hex64(9002)];
    for (let round = 0; round < 25; round++) {
      for (const voter of honest) {
        const [a, b] = pair();
        const u = rand();
        const q = 1 / (1 + 10 ** ((RATING[b]! - RATING[a]!) / 400));
        push(voter, a, b, u < 0.25 ? "tie" : rand() < q ? "a" : "b");
      }
      for (const voter of scripted) {
        for (let k = 0; k < 5; k++) {
          const [a, b] = pair();
          push(voter, a, b, RATING[a]! > RATING[b]! ? "b" : "a"); // always against the stronger side
        }
      }
    }
    await writeVotes(votes);

    let passes = 0;
    for (;;) {
      const r = await runMaintenance(env, { settleMs: 0, anomalyBatch: 1_000 });
      passes++;
      if (r.anomaly.votes === 0) break;
    }
    expect(passes).toBeGreaterThan(4); // bounded passes, resumed from the cursor

    const d = db(env.DB);
    const flagged = (await d.select().from(schema.voterAnomaly))
      .filter((s) => s.flaggedAt !== null)
      .map((s) => s.voterHash);
    expect(flagged).toEqual(expect.arrayContaining(scripted));
    expect(flagged.filter((v) => honest.includes(v)).length).toBeLessThanOrEqual(3);

    const b = schema.battles;
    for (const voter of scripted) {
      const left = await d
        .select()
        .from(b)
        .where(and(eq(b.voterHash, voter), isNull(b.excludedReason)));
      expect(left).toHaveLength(0);
    }
    const counts = await excludedCounts(d, Date.now());
    expect(counts.anomalous_voter).toBeGreaterThanOrEqual(2 * 125);

    // A new vote from a flagged voter is excluded as it is written.
    const late = vote({ voterHash: scripted[0]!, modelA: "anm-1", modelB: "anm-6" });
    await writeVotes([{ vote: late, recordedAt: Date.now() }]);
    expect((await getBattleRow(d, late.battleId))!.excludedReason).toBe("anomalous_voter");

    // The published snapshot rates none of them and counts them.
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    const board = await read(
      worker.fetch(new Request("http://arena.test/leaderboard.json"), env, {} as never),
      R.leaderboard,
    );
    expect(board.data.excluded.anomalous_voter).toBe(counts.anomalous_voter! + 1);
    const honestVotes = votes.filter((v) => !flagged.includes(v.vote.voterHash)).length;
    expect(board.data.battles).toBe(honestVotes);
  });
});
