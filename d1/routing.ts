// The router's rows (DESIGN section 12): the operator's model pair, the training battles (anonymous, rated, with a
// consented transcript whose prompt can be embedded) and the prompt-embedding cache.
import { and, desc, eq, inArray, isNotNull, isNull, lte } from "drizzle-orm";
import type { Db } from "./queries";
import { selectInChunks } from "./chunks";
import * as schema from "./schema";

export interface RoutingPair {
  strong: string;
  weak: string;
  updatedAt: number;
}

export async function getRoutingPair(d: Db): Promise<RoutingPair | null> {
  const row = await d.select().from(schema.routingConfig).where(eq(schema.routingConfig.id, 1)).get();
  return row ? { strong: row.strong, weak: row.weak, updatedAt: row.updatedAt } : null;
}

export async function setRoutingPair(d: Db, pair: RoutingPair): Promise<void> {
  await d
    .insert(schema.routingConfig)
    .values({ id: 1, ...pair })
    .onConflictDoUpdate({ target: schema.routingConfig.id, set: pair });
}

/** What the routers train on: one logged battle. */
export interface TrainingBattleRow {
  id: string;
  modelA: string;
  modelB: string;
  winner: "model_a" | "model_b" | "tie" | "tie (bothbad)";
  promptHash: string;
  transcriptKey: string;
  categories: string[];
  votedAt: number;
}

/**
 * The newest `limit` battles the routers may learn from: anonymous, not excluded, voter consented, transcript kept,
 * recorded by `recordedUpTo`. Newest first, so a bounded run trains on the arena as it is now.
 */
export async function trainingBattles(d: Db, limit: number, recordedUpTo: number): Promise<TrainingBattleRow[]> {
  const b = schema.battles;
  const rows = await d
    .select({
      id: b.id,
      modelA: b.modelA,
      modelB: b.modelB,
      winner: b.winner,
      promptHash: b.promptHash,
      transcriptKey: b.transcriptKey,
      categories: b.categories,
      votedAt: b.votedAt,
    })
    .from(b)
    .where(
      and(
        eq(b.anony, true),
        isNull(b.excludedReason),
        eq(b.consent, true),
        isNotNull(b.transcriptKey),
        isNotNull(b.promptHash),
        lte(b.recordedAt, recordedUpTo),
      ),
    )
    .orderBy(desc(b.votedAt), desc(b.id))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    promptHash: r.promptHash!,
    transcriptKey: r.transcriptKey!,
    categories: (r.categories as string[] | null) ?? [],
  }));
}

/** A cached prompt: its embedding (int8 base64 × scale) and routing category. */
export interface CachedPrompt {
  scale: number;
  vector: string;
  category: string;
}

/** The cached prompts among these hashes, for one embedder (hashes looked up in statement-sized slices). */
export async function cachedPrompts(d: Db, embedder: string, hashes: string[]): Promise<Map<string, CachedPrompt>> {
  const e = schema.promptEmbeddings;
  const rows = await selectInChunks(
    [...new Set(hashes)],
    (slice) =>
      d
        .select({ hash: e.promptHash, scale: e.scale, vector: e.vector, category: e.category })
        .from(e)
        .where(and(eq(e.embedder, embedder), inArray(e.promptHash, slice))),
    1,
  );
  return new Map(rows.map(({ hash, ...cached }) => [hash, cached]));
}

export async function putPrompts(
  d: Db,
  embedder: string,
  rows: ({ promptHash: string } & CachedPrompt)[],
  now: number,
): Promise<void> {
  // Six bound values a row: 15 rows a statement stays under D1's 100.
  for (let i = 0; i < rows.length; i += 15) {
    await d
      .insert(schema.promptEmbeddings)
      .values(rows.slice(i, i + 15).map((r) => ({ ...r, embedder, createdAt: now })))
      .onConflictDoNothing();
  }
}
