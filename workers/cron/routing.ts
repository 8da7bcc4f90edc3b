// Router training in the cron (DESIGN section 12), after the leaderboard: the routers learn from the arena's own
// logged battles — anonymous, rated, with a consented transcript — between public models.
//
// Bounded per run: at most ROUTER_MAX_BATTLES battles (the newest) and ROUTER_EMBED_PER_RUN new prompts embedded
// (each a transcript read from R2; its embedding and category then live in D1's prompt cache, so a prompt is read
// and embedded once whatever retrains after it, and training itself reads no R2). A run whose input is unchanged
// (same pair, embedder and battles) keeps the previous artifacts. Artifacts: shared/routing/published.ts.
import { publicIdsOf } from "../../d1/export";
import { db, latestSnapshot, listModels } from "../../d1/queries";
import { cachedPrompts, getRoutingPair, putPrompts, trainingBattles, type TrainingBattleRow } from "../../d1/routing";
import { readTranscript } from "../../shared/battle/transcript";
import { readConfig } from "../../shared/core/config";
import { sha256Hex } from "../../shared/core/crypto";
import { errorText, log } from "../../shared/core/log";
import { configuredEmbedder } from "../../shared/routing/configured";
import { decodeVector, encodeVector } from "../../shared/routing/vector";
import { promptCategory, ROUTER_NAMES, trainRouter, type RouterArtifact } from "../../shared/routing/routers";
import type { RouterBattle } from "../../shared/routing/battles";
import {
  latestRouting,
  ROUTING_LATEST_KEY,
  routerArtifactKey,
  type RoutingLatest,
} from "../../shared/routing/published";
import { snapshotId } from "./snapshot-id";

export interface RoutingTrained {
  run: string;
  battles: number;
  embedded: number;
  unchanged?: boolean;
}

/** Transcripts read from R2 at once while embedding new prompts. */
const READ_PARALLEL = 20;

/** The opening prompt of a retained battle, or null when its transcript is gone or empty. */
async function openingPrompt(env: Env, key: string): Promise<string | null> {
  const t = await readTranscript(env.STORE, key);
  return t?.conversationA.find((m) => m.role === "user")?.content ?? null;
}

/** Embeds up to `limit` prompts missing from the cache (newest battles first); returns how many were added. */
async function fillCache(
  env: Env,
  rows: TrainingBattleRow[],
  cached: Set<string>,
  limit: number,
  now: number,
): Promise<number> {
  const embedder = configuredEmbedder(env);
  const missing: TrainingBattleRow[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (missing.length >= limit) break;
    if (cached.has(r.promptHash) || seen.has(r.promptHash)) continue;
    seen.add(r.promptHash);
    missing.push(r);
  }
  let added = 0;
  for (let i = 0; i < missing.length; i += READ_PARALLEL) {
    const slice = missing.slice(i, i + READ_PARALLEL);
    const prompts = await Promise.all(slice.map((r) => openingPrompt(env, r.transcriptKey)));
    const found = slice.flatMap((r, k) => (prompts[k] ? [{ hash: r.promptHash, prompt: prompts[k] }] : []));
    if (found.length === 0) continue;
    const vectors = await embedder.embed(found.map((f) => f.prompt));
    await putPrompts(
      db(env.DB),
      embedder.id,
      found.map((f, k) => ({ promptHash: f.hash, category: promptCategory(f.prompt), ...encodeVector(vectors[k]!) })),
      now,
    );
    added += found.length;
  }
  return added;
}

/** Trains every router for the operator's pair and publishes them; null when no pair is set. */
export async function trainRouters(env: Env, now = Date.now()): Promise<RoutingTrained | null> {
  const d = db(env.DB);
  const pair = await getRoutingPair(d);
  if (!pair) return null;
  const config = readConfig(env);
  const embedder = configuredEmbedder(env);
  const publicIds = publicIdsOf(await listModels(d));
  const rows = (await trainingBattles(d, config.routerMaxBattles, now)).filter(
    (r) => publicIds.has(r.modelA) && publicIds.has(r.modelB),
  );
  const hashes = rows.map((r) => r.promptHash);
  let cache = await cachedPrompts(d, embedder.id, hashes);
  const embedded = await fillCache(env, rows, new Set(cache.keys()), config.routerEmbedPerRun, now);
  if (embedded > 0) cache = await cachedPrompts(d, embedder.id, hashes);

  // Oldest first: the routers keep the latest battles under their caps.
  const usable = rows.filter((r) => cache.has(r.promptHash)).reverse();
  // Nothing to learn from yet: the routers keep serving untrained (every score ½), nothing is written.
  if (usable.length === 0) return { run: "", battles: 0, embedded, unchanged: true };
  const sourceKey = await sha256Hex(
    JSON.stringify([pair.strong, pair.weak, embedder.id, usable.length, usable.at(-1)?.id ?? null, usable[0]?.id]),
  );
  const previous = await latestRouting(env.STORE);
  if (previous?.sourceKey === sourceKey) {
    return { run: previous.run, battles: previous.battles, embedded, unchanged: true };
  }

  const battles: RouterBattle[] = usable.map((r) => ({
    prompt: r.promptHash,
    category: cache.get(r.promptHash)!.category,
    modelA: r.modelA,
    modelB: r.modelB,
    winner: r.winner,
  }));
  const embeddings = usable.map((r) => decodeVector(cache.get(r.promptHash)!, embedder.dim));
  const run = snapshotId(now);
  const trainedAt = new Date(now).toISOString();
  const latest: RoutingLatest = {
    run,
    snapshot: (await latestSnapshot(d))?.id ?? null,
    trainedAt,
    strong: pair.strong,
    weak: pair.weak,
    embedder: { id: embedder.id, dim: embedder.dim },
    battles: battles.length,
    routers: {},
    sourceKey,
  };
  for (const name of ROUTER_NAMES) {
    let artifact: RouterArtifact;
    try {
      artifact = trainRouter(name, battles, embeddings, {
        strong: pair.strong,
        weak: pair.weak,
        embedder: latest.embedder,
        trainedAt,
        seed: 0,
        maxBattles: config.routerMaxBattles,
      });
    } catch (err) {
      log.error("routing.train_failed", { router: name, err: errorText(err) });
      continue;
    }
    const key = routerArtifactKey(run, name);
    await env.STORE.put(key, JSON.stringify(artifact), { httpMetadata: { contentType: "application/json" } });
    latest.routers[name] = { key, battles: artifact.battles, thresholds: artifact.thresholds };
  }
  await env.STORE.put(ROUTING_LATEST_KEY, JSON.stringify(latest), {
    httpMetadata: { contentType: "application/json" },
  });
  return { run, battles: battles.length, embedded };
}
