// A Red Team game's setup and wire contract (DESIGN section 11): what the GameRoom DO stores, answers and streams.
// Pure: the DO, the routes' /openapi.json schemas and the browser (`import type`) read the same shapes.
import { z } from "@hono/zod-openapi";
import { ModelRevealSchema } from "../models/reveal";
import { kindOf, KindName, type GameKind } from "./kinds";
import { generateSecret } from "./secret";

export const GameStatus = z.enum(["playing", "won", "lost", "forfeit"]);
export type GameStatus = z.infer<typeof GameStatus>;

/** A finished game's outcome in the export and D1 (forfeit counts as a loss in the ratings). */
export type GameOutcome = "win" | "loss" | "forfeit";
export const outcomeOf = (status: Exclude<GameStatus, "playing">): GameOutcome =>
  status === "won" ? "win" : status === "lost" ? "loss" : "forfeit";

/** What a game is played for, fixed at creation. */
export interface GameSetup {
  kind: KindName;
  kindVersion: number;
  targetId: string;
  /** The text the model must write: the phrase, the credential or the canary sentence. */
  target: string;
  /** The model's system prompt. */
  system: string;
  /** What the player is shown at the start: the phrase for bad-words, nothing for the others. */
  shownTarget: string | null;
}

/** A uniform random index below `n` (Web Crypto). */
export function randomIndex(n: number): number {
  const buf = new Uint32Array(1);
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  do crypto.getRandomValues(buf);
  while (buf[0]! >= limit);
  return buf[0]! % n;
}

/** Picks a target of `kind` at random (or `targetId`) and builds the game around it. */
export function setupGame(kind: KindName, targetId?: string): GameSetup {
  const k: GameKind = kindOf(kind);
  const pick = <T extends { id: string }>(targets: readonly T[]): T => {
    const found =
      targetId === undefined ? targets[randomIndex(targets.length)] : targets.find((t) => t.id === targetId);
    if (!found) throw new Error(`no target ${targetId} in kind ${kind}`);
    return found;
  };
  switch (k.kind) {
    case "bad-words": {
      const t = pick(k.targets);
      return {
        kind,
        kindVersion: k.version,
        targetId: t.id,
        target: t.phrase,
        system: k.system,
        shownTarget: t.phrase,
      };
    }
    case "secret": {
      const t = pick(k.targets);
      const secret = generateSecret(t.format);
      return {
        kind,
        kindVersion: k.version,
        targetId: t.id,
        target: secret,
        system: t.system.replaceAll("{{secret}}", secret),
        shownTarget: null,
      };
    }
    case "system-prompt": {
      const t = pick(k.targets);
      return { kind, kindVersion: k.version, targetId: t.id, target: t.canary, system: t.system, shownTarget: null };
    }
  }
}

export const GameTurn = z.object({ user: z.string(), assistant: z.string() });

/** GET /api/redteam/games/:id. `target` is null while playing for secret and system-prompt. */
export const GameView = z.object({
  id: z.string(),
  kind: KindName,
  status: GameStatus,
  model: ModelRevealSchema,
  target: z.string().nullable(),
  turns: z.array(GameTurn),
  startedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  deadline: z.number().int(),
  ranked: z.boolean(),
  player: z.object({ id: z.string(), handle: z.string() }).nullable(),
});
export type GameView = z.infer<typeof GameView>;

/** POST /api/redteam/games. */
export const GameCreated = z.object({
  id: z.string(),
  kind: KindName,
  target: z.string().nullable(),
  model: ModelRevealSchema,
  deadline: z.number().int(),
  seconds: z.number().int(),
  ranked: z.boolean(),
});
export type GameCreated = z.infer<typeof GameCreated>;

/** The game stream: `token` {text} as the model writes, then one `done` {status, secondsLeft}. */
export type GameEvent =
  | { event: "token"; data: { text: string } }
  /** The model failed mid-answer (neutral text, never the vendor's); the game goes on, `done` follows. */
  | { event: "error"; data: { message: string } }
  | { event: "done"; data: { status: GameStatus; secondsLeft: number } };

/** What a player is told when the model fails to answer (invariant 1: never the provider's own message). */
export const MODEL_FAILED_MESSAGE = "The model failed to respond; send your message again.";

export const encodeGameEvent = (e: GameEvent): string => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;

export const secondsLeft = (deadline: number, now: number): number => Math.max(0, Math.ceil((deadline - now) / 1000));
