// Red Team rows (DESIGN section 11): players (registered by the edge) and finished games (written by the batch
// worker, idempotently on the game id).
import { and, asc, eq, gt, or, sql } from "drizzle-orm";
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

/** Finished ranked games, oldest first, for the export (`after` pages on tstamp). */
export async function listRankedGames(d: Db, after = 0, limit = 1000) {
  return d
    .select()
    .from(schema.redteamGames)
    .where(and(eq(schema.redteamGames.ranked, true), gt(schema.redteamGames.tstamp, after)))
    .orderBy(asc(schema.redteamGames.tstamp), asc(schema.redteamGames.id))
    .limit(limit);
}

/** Ranked finished games in export order (tstamp, id), one keyset page after `after` (exclusive). */
export async function rankedGamesPage(d: Db, after: { tstamp: number; id: string } | null, limit: number) {
  const g = schema.redteamGames;
  const cursor = after
    ? or(gt(g.tstamp, after.tstamp), and(eq(g.tstamp, after.tstamp), gt(g.id, after.id)))
    : undefined;
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
    .where(cursor ? and(eq(g.ranked, true), cursor) : eq(g.ranked, true))
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
export async function redteamWatermark(d: Db) {
  const g = schema.redteamGames;
  const p = schema.redteamPlayers;
  const games = await d
    .select({ count: sql<number>`count(*)`, last: sql<number | null>`max(${g.recordedAt})` })
    .from(g)
    .where(eq(g.ranked, true))
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
