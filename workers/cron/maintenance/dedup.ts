// Maintenance pass 3, dedup: FastChat's dedup tags over the rated battles (at most every DEDUP_INTERVAL_MS). Prompts
// above the DEDUP_PERCENTILE frequency are tagged high-frequency and sampled down to the cutoff; prompts no longer
// frequent go back in the sample. Bounded per run (DEDUP_QUERIES_PER_RUN), resumed from a cursor.
import {
  getState,
  highFreqTaggedPrompts,
  promptFrequencyHistogram,
  promptsAbove,
  ratedBattlesOfPrompt,
  setState,
  tagChunks,
  tagHighFreq,
  untagPrompt,
} from "../../../d1/maintenance";
import type { Db } from "../../../d1/queries";
import { DEDUP_PERCENTILE, quantileFromHistogram, sampleBattles } from "../../../shared/data/cleaning/dedup";

export const DEDUP_INTERVAL_MS = 30 * 60_000;
const HIGH_FREQ_PROMPTS = 1_000;
/**
 * D1 answers at most 1,000 queries per invocation and the snapshot after this needs up to ~500: a dedup pass spends
 * at most this many on per-prompt work, then continues from a cursor on the next run (every prompt is visited in
 * hash order; the pass counts as done, and waits DEDUP_INTERVAL_MS, only when the cursor reaches the end).
 */
export const DEDUP_QUERIES_PER_RUN = 200;

export type DedupReport = {
  ran: boolean;
  cutoff: number;
  highFreqPrompts: number;
  changed: number;
  complete: boolean;
} | null;

export async function runDedup(
  d: Db,
  now: number,
  force: boolean,
  budget = DEDUP_QUERIES_PER_RUN,
): Promise<DedupReport> {
  const last = Number((await getState(d, "dedup_at")) ?? 0);
  const cursor = (await getState(d, "dedup_cursor")) ?? "";
  // A pass in progress (cursor set) goes on at every run; a finished one waits for the interval.
  if (!force && cursor === "" && now - last < DEDUP_INTERVAL_MS) return null;
  const cutoff = quantileFromHistogram(await promptFrequencyHistogram(d), DEDUP_PERCENTILE);
  const highSet = new Set(await promptsAbove(d, cutoff, HIGH_FREQ_PROMPTS));
  let changed = 0;
  let queries = 0;
  const previously = await highFreqTaggedPrompts(d);
  // Every prompt to look at — no longer frequent (back in the sample) or frequent (tag and sample) — in hash order,
  // from where the last run stopped.
  const work = [...new Set([...previously, ...highSet])].filter((h) => h > cursor).sort();
  let done = 0;
  for (const promptHash of work) {
    if (queries >= budget) break;
    if (!highSet.has(promptHash)) {
      changed += await untagPrompt(d, promptHash, now);
      queries++;
      done++;
      continue;
    }
    const rows = await ratedBattlesOfPrompt(d, promptHash);
    queries++;
    const keep = sampleBattles(
      promptHash,
      rows.map((r) => r.id),
      cutoff,
    );
    const toSet = (sampled: boolean) =>
      rows
        .filter((r) => !r.high || r.sampled !== sampled)
        .filter((r) => keep.has(r.id) === sampled)
        .map((r) => r.id);
    // A very frequent prompt can need more updates than the budget: what is done stays done (rows already
    // tagged right are skipped above), and the next run picks the same prompt up again.
    let interrupted = false;
    for (const sampled of [true, false]) {
      for (const chunk of tagChunks(toSet(sampled))) {
        if (queries >= budget) {
          interrupted = true;
          break;
        }
        changed += await tagHighFreq(d, chunk, sampled, now);
        queries++;
      }
    }
    if (interrupted) break;
    done++;
  }
  const complete = done === work.length;
  if (complete) {
    await setState(d, "dedup_at", String(now), now);
    await setState(d, "dedup_cursor", "", now);
  } else {
    await setState(d, "dedup_cursor", work[done - 1] ?? cursor, now);
  }
  return { ran: true, cutoff, highFreqPrompts: highSet.size, changed, complete };
}
