// Red Team rows (DESIGN section 11): players (registered by the edge) and finished games (written by the batch
// worker, idempotently on the game id).
import { and, asc, eq, gt, isNotNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "./queries";
import * as schema from "./schema";

export type PlayerRow = typeof schema.redteamPlayers.$inferSelect;
export type GameRow = typeof schema.redteamGames.$inferInsert;

/** Inserts a player; false when the handle (case-insensitively) or the token prefix is taken. */
export async function insertPlayer(d: Db, row: typeof schema.redteamPlayers.$inferInsert): Promise<boolean> {
  const res = await d.insert(schema.redteamPlayers).values(row).onConflictDoNothing().run();
  return (res.meta?.changes ?? 0) > 0;
}

export async function playerByPrefix(d: Db, prefix: string): Promise<PlayerRow | undefined> {
  return d.select().from(schema.redteamPlayers).where(eq(schema.redteamPlayers.tokenPrefix, prefix)).get();
}

export async function playerById(d: Db, id: string): Promise<PlayerRow | undefined> {
  return d.select().from(schema.redteamPlayers).where(eq(schema.redteamPlayers.id, id)).get();
}

/** The insert of one finished game; a redelivered game hits the primary key and changes nothing. */
export function insertGame(d: Db, row: GameRow) {
  return d.insert(schema.redteamGames).values(row).onConflictDoNothing({ target: schema.redteamGames.id });
}

export async function getGameRow(d: Db, id: string) {
  return d.select().from(schema.redteamGames).where(eq(schema.redteamGames.id, id)).get();
}

type GameCursor = { tstamp: number; id: string } | null;

/** Ranked games recorded by `recordedUpTo` (a snapshot rates what was recorded when it started), after the cursor. */
function rankedAfter(after: GameCursor, recordedUpTo: number | undefined, ...more: SQL[]): SQL | undefined {
  const g = schema.redteamGames;
  const conditions: (SQL | undefined)[] = [eq(g.ranked, true), ...more];
  if (recordedUpTo !== undefined) conditions.push(lte(g.recordedAt, recordedUpTo));
  if (after) conditions.push(or(gt(g.tstamp, after.tstamp), and(eq(g.tstamp, after.tstamp), gt(g.id, after.id))));
  return and(...conditions);
}

/** Ranked finished games in export order (tstamp, id), one keyset page after `after` (exclusive). */
export async function rankedGamesPage(d: Db, after: GameCursor, limit: number, recordedUpTo?: number) {
  const g = schema.redteamGames;
  return d
    .select({
      id: g.id,
      tstamp: g.tstamp,
      player: g.playerId,
      model: g.model,
      kind: g.kind,
      target: g.target,
      outcome: g.outcome,
      turns: g.turns,
      seconds: g.seconds,
    })
    .from(g)
    .where(rankedAfter(after, recordedUpTo))
    .orderBy(asc(g.tstamp), asc(g.id))
    .limit(limit);
}

/** The ranked games whose player consented and whose transcript was kept, in export order (one keyset page). */
export async function releasedGamesPage(d: Db, after: GameCursor, limit: number, recordedUpTo: number) {
  const g = schema.redteamGames;
  return d
    .select()
    .from(g)
    .where(rankedAfter(after, recordedUpTo, eq(g.consent, true), isNotNull(g.transcriptKey)))
    .orderBy(asc(g.tstamp), asc(g.id))
    .limit(limit);
}

/** Every registered player's handle, by id (what redteam.json shows next to a player's id). */
export async function playerHandles(d: Db): Promise<Record<string, string>> {
  const rows = await d
    .select({ id: schema.redteamPlayers.id, handle: schema.redteamPlayers.handle })
    .from(schema.redteamPlayers)
    .all();
  return Object.fromEntries(rows.map((r) => [r.id, r.handle]));
}

/**
 * What the Red Team board is computed from, in two aggregate reads: the ranked games (rows are written once, never
 * changed) and the players (handles never change). Equal marks mean the same export and the same handles.
 */
export async function redteamWatermark(d: Db, recordedUpTo?: number) {
  const g = schema.redteamGames;
  const p = schema.redteamPlayers;
  const games = await d
    .select({ count: sql<number>`count(*)`, last: sql<number | null>`max(${g.recordedAt})` })
    .from(g)
    .where(rankedAfter(null, recordedUpTo))
    .get();
  const players = await d
    .select({ count: sql<number>`count(*)`, last: sql<number | null>`max(${p.createdAt})` })
    .from(p)
    .get();
  return {
    games: games?.count ?? 0,
    gamesAt: games?.last ?? null,
    players: players?.count ?? 0,
    playersAt: players?.last ?? null,
  };
}
