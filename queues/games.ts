// The finished-game message (DESIGN section 11): everything the batch worker needs to write one `redteam_games` row.
// Produced by the GameRoom DO's outbox (durable-objects/game-outbox.ts), consumed by workers/batch/games.ts.
import { z } from "zod";
import { KindName } from "../shared/redteam/kinds";

export const GAME_MESSAGE_VERSION = 1;

export const GameMessage = z
  .object({
    v: z.literal(GAME_MESSAGE_VERSION),
    gameId: z.uuid(),
    kind: KindName,
    kindVersion: z.number().int().min(1),
    targetId: z.string().min(1).max(64),
    target: z.string().min(1).max(4000),
    model: z.string().min(1).max(128),
    /** Null for an anonymous (unranked) game. */
    playerId: z.string().min(1).max(64).nullable(),
    ranked: z.boolean(),
    /** The player agreed to release the transcript (PII scrubbed). Optional: messages sent before it existed lack it. */
    consent: z.boolean().optional(),
    outcome: z.enum(["win", "loss", "forfeit"]),
    turns: z.number().int().min(0),
    seconds: z.number().min(0),
    startedAt: z.number().int().positive(),
    deadline: z.number().int().positive(),
    endedAt: z.number().int().positive(),
  })
  .strict()
  .refine((m) => m.ranked === (m.playerId !== null), { message: "ranked games, and only they, have a player" });
export type GameMessage = z.infer<typeof GameMessage>;

/** Validates before sending, so a bad message fails at the producer rather than poisoning the queue. */
export async function sendGame(queue: Queue, message: GameMessage): Promise<void> {
  await queue.send(GameMessage.parse(message), { contentType: "json" });
}
