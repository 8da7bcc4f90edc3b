// A Red Team game's transcript (DESIGN section 11): kept in R2 only for a ranked game whose player consented to its
// release, and released PII-scrubbed by /api/export/redteam-conversations.jsonl. The batch worker copies it from
// the GameRoom (whose view shows the turns once the game is over) before it writes the game's D1 row, with the
// battle transcripts' attempt policy: a copy that keeps failing lets the row through without it.
import { z } from "zod";
import { TRANSCRIPT_ATTEMPTS } from "../battle/transcript";
import { errorText, log } from "../core/log";
import { readStoredJson } from "../core/stored-json";
import { GameTurn } from "./game";

/** The R2 object format (`redteam/transcripts/<day>/<game>.json`). The system prompt is never stored. */
export const GameTranscript = z.object({
  id: z.string(),
  model: z.string(),
  kind: z.string(),
  turns: z.array(GameTurn),
});
export type GameTranscript = z.infer<typeof GameTranscript>;

/** What decides whether and where a finished game's transcript is kept. */
export interface FinishedGame {
  gameId: string;
  endedAt: number;
  ranked: boolean;
  consent?: boolean;
}

/** The R2 key of a game's transcript, by the UTC day it ended. */
export const gameTranscriptKey = (g: Pick<FinishedGame, "gameId" | "endedAt">): string =>
  `redteam/transcripts/${new Date(g.endedAt).toISOString().slice(0, 10)}/${g.gameId}.json`;

export const readGameTranscript = (bucket: R2Bucket, key: string): Promise<GameTranscript | null> =>
  readStoredJson(bucket, key, GameTranscript, "redteam.transcript_invalid");

/** Only ranked games whose player consented are released; TRANSCRIPT_RETENTION=off keeps none at all. */
export const keepsTranscript = (g: FinishedGame, retention: "consented" | "all" | "off"): boolean =>
  retention !== "off" && g.ranked && g.consent === true;

/**
 * Copies the finished game's transcript from its GameRoom to R2 when it is kept; returns the key or null. Throws
 * (so the batch is retried) for the first few attempts only; after that the game is recorded without it.
 */
export async function retainGameTranscript(
  env: Env,
  game: FinishedGame,
  retention: "consented" | "all" | "off",
  attempts: number,
): Promise<string | null> {
  if (!keepsTranscript(game, retention)) return null;
  try {
    const result = await env.GAME.getByName(game.gameId).view();
    if (!result.ok) return null; // the room is gone (it outlived its TTL unrecorded): the game row only
    const { id, kind, model, turns } = result.game;
    const transcript: GameTranscript = { id, kind, model: model.id, turns };
    const key = gameTranscriptKey(game);
    await env.STORE.put(key, JSON.stringify(transcript), { httpMetadata: { contentType: "application/json" } });
    return key;
  } catch (err) {
    if (attempts < TRANSCRIPT_ATTEMPTS) throw err;
    log.error("redteam.transcript_dropped", { game: game.gameId, attempts, err: errorText(err) });
    return null;
  }
}
