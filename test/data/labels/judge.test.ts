// LLM-judge labels (shared/data/labels, workers/batch/labels.ts). The parser on well-formed, malformed and ambiguous
// answers; the demo labeller on the math fixtures; and the whole job against a fake judge model: an `openai` pool
// model pointed at the loopback fake of test/setup/loopback.ts, which answers well-formed, malformed or ambiguous
// text (or fails) depending on a marker in the prompt. Checks temperature 0, user turns only, the 12,500-character
// cap, the cache by prompt hash, label rows and categories, and retries through the arena-labels consumer.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { db, getBattleRow, getModel } from "../../../d1/queries";
import * as schema from "../../../d1/schema";
import {
  JUDGES,
  judgeRevision,
  modelJudge,
  parseVerdict,
  judgeMessages,
  judgeInput,
} from "../../../shared/data/labels/judge";
import { demoJudge } from "../../../shared/data/labels/demo-judge";
import { labelBattle } from "../../../workers/batch/labels";
import worker from "../../../workers/index";
import math from "../../fixtures/categories/math.json";
import general from "../../fixtures/categories/general.json";
import { putModel } from "../../helpers";
import { vote, writeVotes } from "../maintenance/helpers";

const rule = (label: string) => JUDGES.find((j) => j.label === label)!.parse;

describe("judge answer parsing", () => {
  it("reads well-formed answers", () => {
    expect(parseVerdict(rule("hard_prompts"), "[1, 2, 3, 4, 5, 7]")).toEqual({ value: true, detail: "[1,2,3,4,5,7]" });
    expect(parseVerdict(rule("hard_prompts"), "[1, 3]")).toEqual({ value: false, detail: "[1,3]" });
    expect(parseVerdict(rule("hard_prompts"), "[]")).toEqual({ value: false, detail: "[]" });
    expect(parseVerdict(rule("instruction_following"), "<score>4</score>")).toEqual({ value: true, detail: "4" });
    expect(parseVerdict(rule("instruction_following"), "<score>3</score>.")).toEqual({ value: false, detail: "3" });
    expect(parseVerdict(rule("math"), "<decision>\nYes\n</decision>")).toEqual({ value: true, detail: "yes" });
    expect(parseVerdict(rule("creative_writing"), "<decision>no</decision>")).toEqual({ value: false, detail: "no" });
    // The same answer repeated is not ambiguous.
    expect(parseVerdict(rule("math"), "<decision>yes</decision> <decision>yes</decision>").value).toBe(true);
  });

  it.each([
    ["hard_prompts", "Criteria 1, 2 and 6 apply."],
    ["hard_prompts", "[1, 2, nine]"],
    ["hard_prompts", "[0, 8]"],
    ["instruction_following", "Score: 4"],
    ["instruction_following", "<score>7</score>"],
    ["instruction_following", "<score>four</score>"],
    ["math", "yes"],
    ["creative_writing", "<decision>maybe</decision>"],
    ["math", ""],
  ])("malformed %s answer %j is no label", (label, output) => {
    expect(parseVerdict(rule(label), output).value).toBe(null);
  });

  it.each([
    ["hard_prompts", "[1, 2, 3, 4, 5, 6] or perhaps [1, 2]"],
    ["instruction_following", "<score>5</score> no, <score>2</score>"],
    ["math", "<decision>yes</decision><decision>no</decision>"],
    ["creative_writing", "<decision>yes</decision> <decision>"],
  ])("ambiguous %s answer %j is no label", (label, output) => {
    const v = parseVerdict(rule(label), output);
    expect(v.value).toBe(null);
    expect(v.detail).toMatch(/^ambiguous/);
  });

  it("judge prompts are versioned data with the criteria threshold 6 of 7 and score threshold 4 of 5", () => {
    expect(JUDGES.map((j) => j.label).sort()).toEqual([
      "creative_writing",
      "hard_prompts",
      "instruction_following",
      "math",
    ]);
    expect(rule("hard_prompts")).toMatchObject({ kind: "criteria", count: 7, threshold: 6 });
    expect(rule("instruction_following")).toMatchObject({ kind: "score", min: 0, max: 5, threshold: 4 });
    expect(judgeRevision("demo")).toBe("demo:hard_prompts.1,instruction_following.1,math.1,creative_writing.1");
  });
});

describe("demo labeller", () => {
  it("labels the math fixtures math and the general ones not, through the real parser", async () => {
    const spec = JUDGES.find((j) => j.label === "math")!;
    for (const f of math) {
      const out = await demoJudge(spec, judgeMessages(spec, judgeInput(f.turns.map((t) => t.user))));
      expect([f.name, parseVerdict(spec.parse, out).value]).toEqual([f.name, true]);
    }
    for (const f of general) {
      const out = await demoJudge(spec, judgeMessages(spec, judgeInput(f.turns.map((t) => t.user))));
      expect([f.name, parseVerdict(spec.parse, out).value]).toEqual([f.name, false]);
    }
  });
});

async function battleWithPrompt(prompt: string, answer = "An answer that must not reach the judge.") {
  const v = vote();
  const key = `transcripts/test/${v.battleId}.json`;
  await env.STORE.put(
    key,
    JSON.stringify({
      id: v.battleId,
      modelA: "m-a",
      modelB: "m-b",
      conversationA: [
        { role: "user", content: prompt },
        { role: "assistant", content: answer },
      ],
      conversationB: [
        { role: "user", content: prompt },
        { role: "assistant", content: answer },
      ],
    }),
  );
  await writeVotes([{ vote: v, recordedAt: Date.now(), transcriptKey: key }]);
  return v.battleId;
}

async function judgeRequests(): Promise<{ body: any }[]> {
  return (await fetch(`${inject("loopbackUrl")}/requests?path=/v1/chat`)).json();
}

describe("judge path against a fake judge model", () => {
  it("labels from well-formed answers, caches by prompt hash, and leaves malformed and ambiguous ones unlabelled", async () => {
    expect(
      (
        await putModel("judge-fake", {
          name: "Judge Fake",
          organization: "Loopback Test Org",
          provider: "openai",
          baseUrl: `${inject("loopbackUrl")}/v1`,
          upstreamModel: "judge",
          samplingWeight: 0,
        })
      ).status,
    ).toBe(200);
    const d = db(env.DB);
    const model = (await getModel(d, "judge-fake"))!;
    const labeller = { name: "judge-fake", judge: modelJudge(model, env) };
    const rev = judgeRevision("judge-fake");

    const long = `JUDGE:WELL Prove that the sum of the first n odd numbers is n². ${"Show every step. ".repeat(1200)}`;
    const well = await battleWithPrompt(long);
    expect(await labelBattle(env, { kind: "judge", battleId: well, rev }, labeller)).toEqual({
      status: "labelled",
      judgeCalls: 4,
    });
    const row = (await getBattleRow(d, well))!;
    expect(row.judgeRev).toBe(rev);
    expect(row.categories).toEqual(
      ["hard_prompts", "instruction_following", "long_query", "math"].filter((c) => c !== "long_query"),
    );
    const labels = await d.select().from(schema.battleLabels).where(eq(schema.battleLabels.battleId, well));
    expect(labels.find((l) => l.label === "hard_prompts")).toMatchObject({
      value: true,
      detail: "[1,2,3,4,6,7]",
      version: 1,
      source: "judge",
    });
    expect(labels.find((l) => l.label === "creative_writing")).toMatchObject({ value: false, detail: "no" });

    const requests = await judgeRequests();
    expect(requests).toHaveLength(4);
    for (const r of requests) {
      expect(r.body.temperature).toBe(0);
      const user = r.body.messages.find((m: any) => m.role === "user").content as string;
      expect(user).not.toContain("must not reach the judge");
      expect(user.length).toBeLessThanOrEqual(12_500 + 40);
      expect(user).toContain("JUDGE:WELL");
    }

    // The same prompt again: every verdict from the cache, no judge call.
    const again = await battleWithPrompt(long, "Another answer.");
    expect(await labelBattle(env, { kind: "judge", battleId: again, rev }, labeller)).toEqual({
      status: "labelled",
      judgeCalls: 0,
    });
    expect((await getBattleRow(d, again))!.categories).toEqual(["hard_prompts", "instruction_following", "math"]);
    expect(await judgeRequests()).toHaveLength(4);
    // Already current: nothing to do; a job for another revision is dropped.
    expect((await labelBattle(env, { kind: "judge", battleId: again, rev }, labeller)).status).toBe("current");
    expect((await labelBattle(env, { kind: "judge", battleId: again, rev: "old" }, labeller)).status).toBe("stale_job");

    for (const marker of ["MALFORMED", "AMBIGUOUS"]) {
      const id = await battleWithPrompt(`JUDGE:${marker} Solve 2x = 4 and write a poem.`);
      await labelBattle(env, { kind: "judge", battleId: id, rev }, labeller);
      const b = (await getBattleRow(d, id))!;
      expect(b.judgeRev).toBe(rev);
      expect(b.categories).toEqual([]);
      const rows = await d.select().from(schema.battleLabels).where(eq(schema.battleLabels.battleId, id));
      const judged = rows.filter((l) => l.source === "judge");
      expect(judged).toHaveLength(4);
      for (const l of judged) {
        expect(l.value).toBe(null);
        expect(l.detail).toMatch(marker === "MALFORMED" ? /^(malformed|ambiguous)/ : /^ambiguous/);
      }
    }
  });

  it("retries a job when the judge fails, through the arena-labels consumer with LABELLER naming the model", async () => {
    const id = await battleWithPrompt("JUDGE:FAIL What is 2 + 2?");
    const e = Object.create(env, { LABELLER: { value: "judge-fake", enumerable: true } }) as Env;
    const batch = createMessageBatch("arena-labels", [
      {
        id: "job-1",
        timestamp: new Date(),
        attempts: 1,
        body: { kind: "judge", battleId: id, rev: judgeRevision("judge-fake") },
      },
      { id: "job-2", timestamp: new Date(), attempts: 1, body: { kind: "nonsense" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, e);
    const result = await getQueueResult(batch, ctx);
    expect((result.retryMessages as { msgId: string }[]).map((m) => m.msgId)).toEqual(["job-1"]);
    expect(result.explicitAcks).toEqual(["job-2"]);
    expect((await getBattleRow(db(env.DB), id))!.judgeRev).toBe(null);
  });
});
