// Building `arena-hard-live-<date>` (DESIGN section 13, docs/judge.md "arena-hard-live"): the operator route reads
// the arena's consented hard prompts — anonymous battles, not excluded, voter consented, transcript kept, labelled
// `hard_prompts` by the labeller — takes their embeddings from the router's prompt cache (embedding the missing ones
// with the configured embedder, at most `maxEmbed` a build, and caching them for the routers too), runs
// BenchBuilder-lite (shared/judge/bench-builder.ts) and stores the suite in R2. A dated suite is immutable.
import { hardPromptCriteria } from "../../d1/evals";
import { db } from "../../d1/queries";
import { cachedPrompts, putPrompts, trainingBattles } from "../../d1/routing";
import { readTranscript } from "../../shared/battle/transcript";
import { ApiError } from "../../shared/core/errors";
import { log } from "../../shared/core/log";
import { buildLiveSuite, liveSuiteName, type LiveSuite } from "../../shared/judge/bench-builder";
import { liveSuiteKey } from "../../shared/judge/live-suites";
import { loadSuite } from "../../shared/judge/suites";
import { configuredEmbedder } from "../../shared/routing/configured";
import { promptCategory } from "../../shared/routing/routers";
import { decodeVector, encodeVector } from "../../shared/routing/vector";

/** Hard-prompt criteria of the labeller (its `[1, ..., 7]` list). */
const CRITERIA = 7;
const READ_PARALLEL = 20;

export interface LiveBuildOptions {
  seed: number;
  /** Newest consented battles scanned for hard prompts. */
  maxBattles: number;
  /** Prompts embedded in this build when missing from the cache. */
  maxEmbed: number;
  minClusterScore?: number;
  maxClusters?: number;
}

/** The prompts of the static suites the live one must not repeat (every user turn). */
function staticPrompts(): string[] {
  return ["arena-hard-v0.1", "mt-bench"].flatMap((n) => loadSuite(n)?.questions.flatMap((q) => q.turns) ?? []);
}

const exists = (name: string) =>
  new ApiError(409, "suite_exists", `${name} is already built; a dated suite is immutable.`);

export async function buildArenaHardLive(env: Env, opts: LiveBuildOptions, now = Date.now()): Promise<LiveSuite> {
  const date = new Date(now).toISOString().slice(0, 10);
  const name = liveSuiteName(date);
  const key = liveSuiteKey(name);
  if (await env.STORE.head(key)) throw exists(name);
  const d = db(env.DB);
  const rows = (await trainingBattles(d, opts.maxBattles, now)).filter((r) => r.categories.includes("hard_prompts"));
  // One battle per prompt (the newest).
  const seen = new Set<string>();
  const battles = rows.filter((r) => !seen.has(r.promptHash) && seen.add(r.promptHash));
  const embedder = configuredEmbedder(env);
  const cache = await cachedPrompts(
    d,
    embedder.id,
    battles.map((b) => b.promptHash),
  );
  const criteria = await hardPromptCriteria(
    d,
    battles.map((b) => b.id),
  );

  const texts = new Map<string, string>();
  for (let i = 0; i < battles.length; i += READ_PARALLEL) {
    const slice = battles.slice(i, i + READ_PARALLEL);
    const got = await Promise.all(slice.map((b) => readTranscript(env.STORE, b.transcriptKey)));
    slice.forEach((b, k) => {
      const text = got[k]?.conversationA.find((m) => m.role === "user")?.content;
      if (text) texts.set(b.id, text);
    });
  }
  const withText = battles.filter((b) => texts.has(b.id));
  const missing = withText.filter((b) => !cache.has(b.promptHash)).slice(0, opts.maxEmbed);
  const embedded = new Map<string, Float32Array>();
  if (missing.length > 0) {
    const vectors = await embedder.embed(missing.map((b) => texts.get(b.id)!));
    missing.forEach((b, k) => embedded.set(b.promptHash, vectors[k]!));
    await putPrompts(
      d,
      embedder.id,
      missing.map((b, k) => ({
        promptHash: b.promptHash,
        category: promptCategory(texts.get(b.id)!),
        ...encodeVector(vectors[k]!),
      })),
      now,
    );
  }
  const candidates = withText.flatMap((b) => {
    const cached = cache.get(b.promptHash);
    const embedding = cached ? decodeVector(cached, embedder.dim) : embedded.get(b.promptHash);
    if (!embedding) return [];
    const met = criteria.get(b.id);
    return [{ id: b.id, text: texts.get(b.id)!, embedding, hardScore: met ? new Set(met).size / CRITERIA : 1 }];
  });
  const suite = buildLiveSuite(candidates, {
    date,
    seed: opts.seed,
    exclude: staticPrompts(),
    minClusterScore: opts.minClusterScore,
    maxClusters: opts.maxClusters,
    provenance: {
      builtAt: new Date(now).toISOString(),
      embedder: { id: embedder.id, dim: embedder.dim },
      source: {
        hardBattles: rows.length,
        prompts: battles.length,
        withTranscript: withText.length,
        embedded: missing.length,
        notEmbedded: withText.length - candidates.length,
        maxBattles: opts.maxBattles,
      },
    },
  });
  // Conditional on there being no object yet: of two builds racing on one day, the second gets 409 rather than
  // replacing a suite a job may already have read.
  const stored = await env.STORE.put(key, JSON.stringify(suite), {
    httpMetadata: { contentType: "application/json" },
    onlyIf: { etagDoesNotMatch: "*" },
  });
  if (!stored) throw exists(name);
  log.info("eval.live_suite_built", { suite: name, ...suite.provenance.counts });
  return suite;
}
