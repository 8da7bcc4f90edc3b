// Red Team rows (DESIGN section 11): players (registered by the edge) and finished games (written by the batch
// worker, idempotently on the game id).
import { and, asc, eq, gt } from "drizzle-orm";
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
