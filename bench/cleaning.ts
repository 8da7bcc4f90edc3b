// Classification and cleaning throughput on Node (run by bench/votes.mjs through scripts/run-ts.mjs, or alone):
// the heuristic classifier (coding regexes, ELD language detection, cl100k token counts, prompt hash) on the
// fixture prompts with demo-length answers, PII scrubbing, the anomalous-voter test and the dedup tags over the
// battles the load test stored (a JSON file of rows from its local D1), or synthetic rows when none is given.
//   node scripts/run-ts.mjs bench/cleaning.ts [battles.json]
import { readFileSync } from "node:fs";
import { classifyConversation } from "../shared/data/categories";
import {
  addVote,
  fitStrengths,
  newVoterState,
  uniformOf,
  voteP,
  type Outcome,
  type VoterState,
} from "../shared/data/cleaning/anomaly";
import { quantileFromHistogram, sampleBattles } from "../shared/data/cleaning/dedup";
import { scrubPii } from "../shared/data/cleaning/pii";
import { mulberry32 } from "../shared/core/random";
import coding from "../test/fixtures/categories/coding.json";
import general from "../test/fixtures/categories/general.json";
import languages from "../test/fixtures/categories/languages.json";
import long from "../test/fixtures/categories/long.json";
import math from "../test/fixtures/categories/math.json";

interface Row {
  id: string;
  voter_hash: string;
  model_a: string;
  model_b: string;
  winner: Outcome;
  prompt_hash: string | null;
}

const ANSWER =
  "Here is how I would think about it. Start from the simplest case and check that it behaves as expected, then " +
  "write down the assumptions, because most disagreements hide there. Compare two or three alternatives against the " +
  "same criteria and measure before optimizing, since intuition about cost is often wrong. ";

async function main() {
  const prompts = [...coding, ...general, ...languages, ...long, ...math].map((f) => f.turns.map((t) => t.user));
  const conversations = Array.from({ length: 3000 }, (_, i) => {
    const userTurns = prompts[i % prompts.length]!;
    return {
      userTurns,
      answersA: userTurns.map(() => ANSWER.repeat(3)),
      answersB: userTurns.map(() => ANSWER.repeat(2)),
    };
  });
  await classifyConversation(conversations[0]!); // load the tokenizer and the detector outside the timing
  let t0 = performance.now();
  for (const c of conversations) await classifyConversation(c);
  let s = (performance.now() - t0) / 1000;
  console.log(
    `classification: ${conversations.length} conversations in ${s.toFixed(2)} s (${(conversations.length / s).toFixed(0)} /s; heuristics, language, tokens, prompt hash)`,
  );

  const texts = conversations.flatMap((c) => [...c.userTurns, ...c.answersA]);
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  t0 = performance.now();
  for (const t of texts) scrubPii(t);
  s = (performance.now() - t0) / 1000;
  console.log(
    `PII scrubbing: ${(bytes / 1e6).toFixed(1)} M characters in ${s.toFixed(2)} s (${(bytes / 1e6 / s).toFixed(1)} M chars/s)`,
  );

  const file = process.argv[2];
  const rows: Row[] = file ? JSON.parse(readFileSync(file, "utf8")) : synthetic(50_000);
  t0 = performance.now();
  const pairs = new Map<string, { a: string; b: string; winsA: number; total: number }>();
  let ties = 0;
  for (const r of rows) {
    const key = `${r.model_a}|${r.model_b}`;
    const p = pairs.get(key) ?? { a: r.model_a, b: r.model_b, winsA: 0, total: 0 };
    p.total++;
    p.winsA += r.winner === "model_a" ? 1 : r.winner === "model_b" ? 0 : 0.5;
    if (r.winner.startsWith("tie")) ties++;
    pairs.set(key, p);
  }
  const model = { theta: fitStrengths([...pairs.values()]), tieRate: ties / Math.max(1, rows.length) };
  const states = new Map<string, VoterState>();
  let flagged = 0;
  for (const r of rows) {
    const p = voteP(model, r.model_a, r.model_b, r.winner, uniformOf(r.id));
    if (p === null) continue;
    const before = states.get(r.voter_hash) ?? newVoterState(r.voter_hash);
    const after = addVote(before, r.voter_hash, p, 0.01, 0);
    if (before.flaggedAt === null && after.flaggedAt !== null) flagged++;
    states.set(r.voter_hash, after);
  }
  s = (performance.now() - t0) / 1000;
  console.log(
    `anomalous-voter test: ${rows.length} votes, ${states.size} voters in ${s.toFixed(3)} s (${(rows.length / s).toFixed(0)} votes/s); flagged ${flagged}`,
  );

  t0 = performance.now();
  const groups = new Map<string, string[]>();
  for (const r of rows)
    if (r.prompt_hash) (groups.get(r.prompt_hash) ?? groups.set(r.prompt_hash, []).get(r.prompt_hash)!).push(r.id);
  const histogram = new Map<number, number>();
  for (const ids of groups.values()) histogram.set(ids.length, (histogram.get(ids.length) ?? 0) + 1);
  const cutoff = quantileFromHistogram(
    [...histogram].map(([count, prompts]) => ({ count, prompts })),
    0.999,
  );
  let high = 0;
  let dropped = 0;
  for (const [h, ids] of groups) {
    if (ids.length <= cutoff) continue;
    high++;
    dropped += ids.length - sampleBattles(h, ids, cutoff).size;
  }
  s = (performance.now() - t0) / 1000;
  console.log(
    `dedup: ${rows.length} battles, ${groups.size} prompts, cutoff ${cutoff.toFixed(2)}, ${high} high-frequency prompts, ${dropped} battles out of the view, in ${s.toFixed(3)} s (${(rows.length / s).toFixed(0)} battles/s)`,
  );
}

/** Random battles between 7 equally strong models (no voter should stand out). */
function synthetic(n: number): Row[] {
  const rand = mulberry32(1);
  return Array.from({ length: n }, (_, i) => {
    const a = Math.floor(rand() * 7);
    const b = (a + 1 + Math.floor(rand() * 6)) % 7;
    return {
      id: `b-${i}`,
      voter_hash: `v-${Math.floor(rand() * 2000)}`,
      model_a: `m${a}`,
      model_b: `m${b}`,
      winner: (["model_a", "model_b", "tie", "tie (bothbad)"] as const)[Math.floor(rand() * 4)]!,
      prompt_hash: `p-${Math.floor(rand() * 20_000)}`,
    };
  });
}

await main();
