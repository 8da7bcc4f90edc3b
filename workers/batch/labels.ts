// Consumer of `arena-labels` (DESIGN section 8): the LLM-judge labels of one battle per job. For each judge prompt
// (shared/data/labels/judges/*.json) the verdict comes from the cache (by prompt hash, labeller and prompt version) or
// from the labeller (the demo labeller or a pool model at temperature 0), parsed strictly (ambiguous → no label),
// then the battle's label rows, categories and judge revision are written in one statement batch. A failing judge
// call retries the job with backoff; the queue drops it after its retries and maintenance re-queues it later.
import { ownedModelApiKey } from "../../d1/providers";
import * as schema from "../../d1/schema";
import {
  cachedVerdicts,
  db,
  getBattleRow,
  getModel,
  insertVerdict,
  markJudgeRequested,
  refreshBattleLabels,
  upsertLabels,
  type LabelRow,
} from "../../d1/queries";
import { LabelJob, sendLabelJobs } from "../../queues/labels";
import type { VoteMessage } from "../../queues/votes";
import { readConfig } from "../../shared/core/config";
import { sha256Hex } from "../../shared/core/crypto";
import { log } from "../../shared/core/log";
import { demoJudge } from "../../shared/data/labels/demo-judge";
import {
  JUDGES,
  judgeInput,
  judgeMessages,
  judgeRevision,
  modelJudge,
  parseVerdict,
  type JudgeFn,
} from "../../shared/data/labels/judge";
import { loadConversation } from "../../shared/battle/transcript";

const OUTPUT_CHARS = 2_000;

const retryDelaySeconds = (attempts: number) => Math.min(600, 5 * 2 ** Math.max(0, attempts - 1));

/** The configured labeller: null when LABELLER=off or the named model does not exist. */
export async function currentLabeller(env: Env): Promise<{ name: string; judge: JudgeFn } | null> {
  const name = readConfig(env).labeller;
  if (name === "off") return null;
  if (name === "demo") return { name, judge: demoJudge };
  const model = await getModel(db(env.DB), name);
  if (!model) {
    log.error("labels.unknown_labeller", { labeller: name });
    return null;
  }
  return { name, judge: modelJudge(model, env, { resolveOwnedKey: () => ownedModelApiKey(env, model.id) }) };
}

/**
 * After a vote batch is written: one judge job per clean anonymous battle, when a labeller is configured. Never
 * throws (the votes are already stored); a job that could not be sent is re-queued by maintenance.
 */
export async function requestJudgeLabels(env: Env, votes: readonly VoteMessage[], now: number): Promise<void> {
  try {
    const labeller = readConfig(env).labeller;
    if (labeller === "off") return;
    const ids = votes.filter((v) => v.mode === "anonymous" && v.excludedReason === null).map((v) => v.battleId);
    if (ids.length === 0) return;
    const rev = judgeRevision(labeller);
    await sendLabelJobs(
      env.LABELS,
      ids.map((battleId) => ({ kind: "judge", battleId, rev })),
    );
    await markJudgeRequested(db(env.DB), ids, now);
  } catch (err) {
    log.error("labels.request_failed", { count: votes.length, err: String(err) });
  }
}

export async function handleLabelJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const labeller = await currentLabeller(env);
  for (const msg of batch.messages) {
    const job = LabelJob.safeParse(msg.body);
    if (!job.success || !labeller) {
      msg.ack(); // nothing to do: malformed job, or labelling switched off since it was sent
      continue;
    }
    try {
      await labelBattle(env, job.data, labeller);
      msg.ack();
    } catch (err) {
      log.error("labels.job_failed", { battle: job.data.battleId, attempts: msg.attempts, err: String(err) });
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    }
  }
}

export interface LabelOutcome {
  status: "labelled" | "current" | "stale_job" | "missing" | "no_text";
  judgeCalls: number;
}

/** Labels one battle with every judge prompt. Exported for tests and maintenance. */
export async function labelBattle(
  env: Env,
  job: LabelJob,
  labeller: { name: string; judge: JudgeFn },
): Promise<LabelOutcome> {
  const d = db(env.DB);
  const rev = judgeRevision(labeller.name);
  if (job.rev !== rev) return { status: "stale_job", judgeCalls: 0 };
  const battle = await getBattleRow(d, job.battleId);
  if (!battle) return { status: "missing", judgeCalls: 0 };
  if (battle.judgeRev === rev) return { status: "current", judgeCalls: 0 };
  const now = Date.now();
  const conversation = await loadConversation(env, battle);
  if (!conversation) {
    // The text is gone (not retained, and the battle's object expired): no judge labels, and no further attempts.
    const rows: LabelRow[] = JUDGES.map((j) => ({
      battleId: battle.id,
      label: j.label,
      version: j.version,
      value: null,
      detail: "no_text",
      source: "judge",
      labelledAt: now,
    }));
    await d.batch([upsertLabels(d, rows), refreshBattleLabels(d, battle.id, now, { judgeRev: rev })]);
    return { status: "no_text", judgeCalls: 0 };
  }
  const input = judgeInput(conversation.userTurns);
  const promptHash = await sha256Hex(input);
  const cached = new Map(
    (await cachedVerdicts(d, promptHash, labeller.name)).map((c) => [`${c.label}.${c.version}`, c] as const),
  );
  let judgeCalls = 0;
  const rows: LabelRow[] = [];
  const fresh: (typeof schema.labelCache.$inferInsert)[] = [];
  for (const spec of JUDGES) {
    const hit = cached.get(`${spec.label}.${spec.version}`);
    let verdict: { value: boolean | null; detail: string | null };
    if (hit) verdict = { value: hit.value, detail: hit.detail };
    else {
      judgeCalls++;
      const output = await labeller.judge(spec, judgeMessages(spec, input));
      verdict = parseVerdict(spec.parse, output);
      fresh.push({
        promptHash,
        label: spec.label,
        version: spec.version,
        labeller: labeller.name,
        value: verdict.value,
        detail: verdict.detail,
        output: output.slice(0, OUTPUT_CHARS),
        createdAt: now,
      });
    }
    rows.push({
      battleId: battle.id,
      label: spec.label,
      version: spec.version,
      value: verdict.value,
      detail: verdict.detail,
      source: "judge",
      labelledAt: now,
    });
  }
  await d.batch([
    upsertLabels(d, rows),
    ...fresh.map((f) => insertVerdict(d, f)),
    refreshBattleLabels(d, battle.id, now, { judgeRev: rev }),
  ]);
  return { status: "labelled", judgeCalls };
}
