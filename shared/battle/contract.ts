// The battle's wire contract (DESIGN section 4): the JSON the BattleRoom DO answers with and the battle routes
// send on, in one place so the DO, the routes' /openapi.json schemas, the vote message and the browser
// (`import type`) all read the same shapes. The stream's events are in ./sse.ts. Not registered as OpenAPI
// components here: the routes name them (`.openapi("VoteResult")`, …), so component names stay the routes' own.
import { z } from "@hono/zod-openapi";
import { ModelRevealSchema } from "../models/reveal";

/** A vote: model A, model B, a tie, or both bad. */
export const Winner = z.enum(["a", "b", "tie", "bothbad"]);
export type Winner = z.infer<typeof Winner>;

/** The modes a battle is created in (direct chat reuses the DO, but it is not a battle). */
export const BattleMode = z.enum(["anonymous", "side-by-side"]);
export type BattleMode = z.infer<typeof BattleMode>;

/** Both sides' models, as a vote reveals them. */
export const RevealedPair = z.object({ a: ModelRevealSchema, b: ModelRevealSchema });
export type RevealedPair = z.infer<typeof RevealedPair>;

/** One turn: the prompt and each side's answer so far. */
export const TurnView = z.object({ user: z.string(), a: z.string(), b: z.string() });
export type TurnView = z.infer<typeof TurnView>;

/** A battle's state as the DO shows it; the models of an anonymous battle stay null until the vote. */
export const BattleView = z.object({
  id: z.string(),
  mode: BattleMode,
  status: z.enum(["open", "voted"]),
  turns: z.array(TurnView),
  models: RevealedPair.nullable(),
  counted: z.boolean(),
  reason: z.string().nullable(),
  canVote: z.boolean().openapi({ description: "The latest turn finished on both sides and no vote was cast yet" }),
});
export type BattleView = z.infer<typeof BattleView>;

/** What a vote answers: the models revealed, and whether the vote counts (and if not, why; never a model name). */
export const VoteOutcome = z.object({
  winner: Winner,
  models: RevealedPair,
  counted: z.boolean(),
  reason: z.string().nullable(),
});
export type VoteOutcome = z.infer<typeof VoteOutcome>;
