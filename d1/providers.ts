// D1 access for provider accounts, their API keys, their models' encrypted upstream keys, private results and the
// aggregates of the transparency report. Small functions over a drizzle client, as in d1/queries.ts.
import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { decryptUpstreamKey } from "../shared/accounts/upstream-keys";
import type { ModelRecord } from "../shared/models";
import { selectInChunks } from "./chunks";
import { db, type Db } from "./queries";
import * as schema from "./schema";

export type ProviderRow = typeof schema.providers.$inferSelect;
export type ApiKeyRow = typeof schema.providerApiKeys.$inferSelect;
export type ResultsRow = typeof schema.providerModelResults.$inferSelect;

// ---------------------------------------------------------------- accounts and keys

export async function getProvider(d: Db, id: string): Promise<ProviderRow | undefined> {
  return d.select().from(schema.providers).where(eq(schema.providers.id, id)).get();
}

export async function listProviders(d: Db): Promise<ProviderRow[]> {
  return d.select().from(schema.providers).orderBy(asc(schema.providers.createdAt), asc(schema.providers.id));
}

/** Creates the account and its first key in one transaction; false when the name is taken. */
export async function createProvider(
  d: Db,
  provider: ProviderRow,
  key: typeof schema.providerApiKeys.$inferInsert,
): Promise<boolean> {
  const taken = await d
    .select({ id: schema.providers.id })
    .from(schema.providers)
    .where(sql`lower(${schema.providers.name}) = lower(${provider.name})`)
    .get();
  if (taken) return false;
  await d.batch([d.insert(schema.providers).values(provider), d.insert(schema.providerApiKeys).values(key)]);
  return true;
}

export async function insertApiKey(d: Db, key: typeof schema.providerApiKeys.$inferInsert): Promise<void> {
  await d.insert(schema.providerApiKeys).values(key);
}

export async function apiKeyByPrefix(d: Db, prefix: string): Promise<ApiKeyRow | undefined> {
  return d.select().from(schema.providerApiKeys).where(eq(schema.providerApiKeys.prefix, prefix)).get();
}

export async function keysOf(d: Db, providerId: string): Promise<ApiKeyRow[]> {
  return d
    .select()
    .from(schema.providerApiKeys)
    .where(eq(schema.providerApiKeys.providerId, providerId))
    .orderBy(asc(schema.providerApiKeys.createdAt), asc(schema.providerApiKeys.prefix));
}

/** Revokes one of the provider's keys (idempotent); undefined when it has no such key. */
export async function revokeApiKey(d: Db, providerId: string, prefix: string, now: number) {
  const k = schema.providerApiKeys;
  await d
    .update(k)
    .set({ revokedAt: now })
    .where(and(eq(k.providerId, providerId), eq(k.prefix, prefix), isNull(k.revokedAt)));
  return d
    .select()
    .from(k)
    .where(and(eq(k.providerId, providerId), eq(k.prefix, prefix)))
    .get();
}

/** Rotation: the new key and the old one's revocation in one transaction. */
export async function rotateApiKey(
  d: Db,
  providerId: string,
  oldPrefix: string,
  key: typeof schema.providerApiKeys.$inferInsert,
  now: number,
): Promise<void> {
  const k = schema.providerApiKeys;
  await d.batch([
    d.insert(k).values(key),
    d
      .update(k)
      .set({ revokedAt: now })
      .where(and(eq(k.providerId, providerId), eq(k.prefix, oldPrefix), isNull(k.revokedAt))),
  ]);
}

/** Records use at most once a minute per key, so authenticated traffic does not turn into one write per request. */
export async function touchApiKey(d: Db, prefix: string, now: number): Promise<void> {
  const k = schema.providerApiKeys;
  await d
    .update(k)
    .set({ lastUsedAt: now })
    .where(and(eq(k.prefix, prefix), sql`coalesce(${k.lastUsedAt}, 0) < ${now - 60_000}`));
}

// ---------------------------------------------------------------- provider models

export async function modelsOwnedBy(d: Db, ownerId: string): Promise<ModelRecord[]> {
  return d.select().from(schema.models).where(eq(schema.models.ownerId, ownerId)).orderBy(asc(schema.models.id));
}

/** The model when `ownerId` owns it; another provider's model is as absent as an unknown one. */
export async function ownedModel(d: Db, ownerId: string, id: string): Promise<ModelRecord | undefined> {
  return d
    .select()
    .from(schema.models)
    .where(and(eq(schema.models.id, id), eq(schema.models.ownerId, ownerId)))
    .get();
}

/** Whether a codename (or id) is already used by any model, ignoring case; `except` is the model being edited. */
export async function nameTaken(d: Db, value: string, except?: string): Promise<boolean> {
  const m = schema.models;
  const row = await d
    .select({ id: m.id })
    .from(m)
    .where(
      and(
        or(sql`lower(${m.codename}) = lower(${value})`, sql`lower(${m.id}) = lower(${value})`),
        except ? sql`${m.id} <> ${except}` : undefined,
      ),
    )
    .get();
  return row !== undefined;
}

/**
 * Writes a provider's model and (optionally) its encrypted upstream key in one transaction. On create, an id that
 * exists already changes nothing and returns false. The key write is guarded by ownership, so it can never touch
 * another provider's model. `ciphertext` null removes the key; undefined leaves it as it is.
 */
export async function saveOwnedModel(
  d: Db,
  row: ModelRecord,
  opts: { create: boolean; ciphertext?: string | null },
): Promise<boolean> {
  const { id: _id, createdAt: _c, ownerId: _o, ...changes } = row;
  const write = opts.create
    ? d
        .insert(schema.models)
        .values(row)
        .onConflictDoNothing({ target: schema.models.id })
        .returning({ id: schema.models.id })
    : d
        .update(schema.models)
        .set(changes)
        .where(and(eq(schema.models.id, row.id), eq(schema.models.ownerId, row.ownerId!)))
        .returning({ id: schema.models.id });
  const k = schema.modelUpstreamKeys;
  const owned = and(eq(schema.models.id, row.id), eq(schema.models.ownerId, row.ownerId!));
  const keyWrite =
    opts.ciphertext === undefined
      ? null
      : opts.ciphertext === null
        ? d.delete(k).where(and(eq(k.modelId, row.id), sql`EXISTS (SELECT 1 FROM models WHERE ${owned})`))
        : // INSERT … SELECT from the owned model row: nothing is written unless the caller owns the model.
          d
            .insert(k)
            .select(
              d
                .select({
                  modelId: schema.models.id,
                  ciphertext: sql<string>`${opts.ciphertext}`.as("ciphertext"),
                  updatedAt: sql<number>`${row.updatedAt}`.as("updated_at"),
                })
                .from(schema.models)
                .where(owned),
            )
            .onConflictDoUpdate({
              target: k.modelId,
              set: { ciphertext: sql`excluded.ciphertext`, updatedAt: sql`excluded.updated_at` },
            });
  const [written] = keyWrite ? await d.batch([write, keyWrite]) : await d.batch([write]);
  return (written as { id: string }[]).length > 0;
}

export async function upstreamKeyCiphertext(d: Db, modelId: string): Promise<string | null> {
  const row = await d
    .select({ ciphertext: schema.modelUpstreamKeys.ciphertext })
    .from(schema.modelUpstreamKeys)
    .where(eq(schema.modelUpstreamKeys.modelId, modelId))
    .get();
  return row?.ciphertext ?? null;
}

/**
 * The decrypted upstream key of a provider-registered model, or null when the provider gave none. The callers of a
 * provider adapter hand it over as `GenerateRequest.resolveOwnedKey`, so the adapters never read D1 themselves.
 */
export async function ownedModelApiKey(env: Env, modelId: string): Promise<string | null> {
  const stored = await upstreamKeyCiphertext(db(env.DB), modelId);
  return stored === null ? null : decryptUpstreamKey(env.PROVIDER_KEYS_SECRET, modelId, stored);
}

/** Which of these models have an upstream key stored (never the key itself). */
export async function modelsWithUpstreamKey(d: Db, ids: readonly string[]): Promise<Set<string>> {
  const rows = await selectInChunks(ids, (chunk) =>
    d
      .select({ id: schema.modelUpstreamKeys.modelId })
      .from(schema.modelUpstreamKeys)
      .where(inArray(schema.modelUpstreamKeys.modelId, chunk)),
  );
  return new Set(rows.map((r) => r.id));
}

// ---------------------------------------------------------------- private results

/** The latest results document of a model, or the one of a given snapshot. */
export async function modelResults(d: Db, modelId: string, snapshotId?: string): Promise<ResultsRow | undefined> {
  const r = schema.providerModelResults;
  return d
    .select()
    .from(r)
    .where(and(eq(r.modelId, modelId), snapshotId ? eq(r.snapshotId, snapshotId) : undefined))
    .orderBy(desc(r.generatedAt), desc(r.snapshotId))
    .limit(1)
    .get();
}

export function insertModelResults(d: Db, row: typeof schema.providerModelResults.$inferInsert) {
  return d.insert(schema.providerModelResults).values(row).onConflictDoNothing();
}

/**
 * Each model's latest private-results placement on the overall board (`overall.rating`, `overall.ci`), for the
 * models given: one query, the newest document per model.
 */
export async function latestOverallPlacements(
  d: Db,
  ids: readonly string[],
): Promise<Map<string, { rating: number; ci: [number, number] | null }>> {
  const rows = await selectInChunks(ids, (slice) =>
    d.all<{ model_id: string; document: string }>(sql`
      SELECT r.model_id, r.document FROM provider_model_results r
      WHERE r.model_id IN (${sql.join(
        slice.map((id) => sql`${id}`),
        sql`, `,
      )})
        AND r.generated_at = (SELECT max(generated_at) FROM provider_model_results WHERE model_id = r.model_id)`),
  );
  const out = new Map<string, { rating: number; ci: [number, number] | null }>();
  for (const row of rows) {
    const doc = JSON.parse(row.document) as { overall?: { rating?: unknown; ci?: unknown } };
    const rating = doc.overall?.rating;
    if (typeof rating !== "number") continue;
    out.set(row.model_id, {
      rating,
      ci: Array.isArray(doc.overall?.ci) ? (doc.overall!.ci as [number, number]) : null,
    });
  }
  return out;
}

/** Live counts of a model's recorded anonymous battles, straight from D1 (no cron needed). */
export async function liveVotes(d: Db, modelId: string) {
  const b = schema.battles;
  const rows = await d
    .select({
      reason: b.excludedReason,
      side: sql<"a" | "b">`CASE WHEN ${b.modelA} = ${modelId} THEN 'a' ELSE 'b' END`,
      winner: b.winner,
      n: sql<number>`count(*)`,
    })
    .from(b)
    .where(and(eq(b.anony, true), or(eq(b.modelA, modelId), eq(b.modelB, modelId))))
    .groupBy(sql`1`, sql`2`, sql`3`);
  return rows;
}

/** The model's latest anonymous battles whose transcript was retained, newest first. */
export async function retainedBattles(d: Db, modelId: string, limit: number) {
  const b = schema.battles;
  return d
    .select({
      id: b.id,
      modelA: b.modelA,
      modelB: b.modelB,
      winner: b.winner,
      votedAt: b.votedAt,
      excludedReason: b.excludedReason,
      transcriptKey: b.transcriptKey,
    })
    .from(b)
    .where(
      and(
        eq(b.anony, true),
        or(eq(b.modelA, modelId), eq(b.modelB, modelId)),
        sql`${b.transcriptKey} IS NOT NULL`,
        // An answer that named a model would name the opponent too.
        sql`coalesce(${b.excludedReason}, '') <> 'identity_leak'`,
      ),
    )
    .orderBy(desc(b.votedAt), desc(b.id))
    .limit(limit);
}

// ---------------------------------------------------------------- transparency aggregates

/** Anonymous battles per ordered model pair, all time and since `since` (a few rows per pair of models). */
export async function anonymousBattlePairs(d: Db, since: number) {
  return d.all<{ model_a: string; model_b: string; battles: number; recent: number }>(sql`
    SELECT model_a, model_b, count(*) AS battles, sum(CASE WHEN voted_at >= ${since} THEN 1 ELSE 0 END) AS recent
    FROM battles WHERE anony = 1 GROUP BY model_a, model_b`);
}

/** Clean anonymous votes per model cast at or after the model's release (the `provisional` rule's M). */
export async function postReleaseVotes(d: Db): Promise<Map<string, number>> {
  const rows = await d.all<{ model: string; votes: number }>(sql`
    SELECT m.id AS model, count(b.id) AS votes FROM models m
    JOIN battles b ON (b.model_a = m.id OR b.model_b = m.id)
    WHERE m.released_at IS NOT NULL AND b.anony = 1 AND b.excluded_reason IS NULL AND b.voted_at >= m.released_at
    GROUP BY m.id`);
  return new Map(rows.map((r) => [r.model, r.votes]));
}
