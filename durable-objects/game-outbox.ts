// The finished-game outbox (DESIGN section 11, the discipline of ./outbox.ts): a game's end is persisted in the
// GameRoom before it is sent, and sent from here — by the call that ended it, then by the alarm until the queue takes
// it, with exponential backoff. A message that fails validation cannot be fixed by retrying: it goes to the
// dead-letter queue with its reason.
import { GAME_MESSAGE_VERSION, GameMessage, sendGame } from "../queues/games";
import { sendDeadLetter } from "../queues/dead-letters";
import { REDTEAM_QUEUE } from "../queues/names";
import { describeIssues } from "../shared/core/issues";
import { errorText, log } from "../shared/core/log";
import type { ModelRecord } from "../shared/models";
import { outcomeOf } from "../shared/redteam/game";
import type { GameRowDo, GameStore } from "./game-store";

/** The first retry of an enqueue that did not complete. */
export const GAME_FIRST_RETRY_MS = 30_000;
const backoffMs = (attempts: number) => Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9));

export function buildGameMessage(meta: GameRowDo, turns: number): GameMessage {
  if (meta.status === "playing" || meta.ended_at === null) throw new Error("game not finished");
  return {
    v: GAME_MESSAGE_VERSION,
    gameId: meta.id,
    kind: meta.kind,
    kindVersion: meta.kind_version,
    targetId: meta.target_id,
    target: meta.target,
    model: (JSON.parse(meta.model) as ModelRecord).id,
    playerId: meta.player_id,
    ranked: meta.player_id !== null,
    consent: meta.consent === 1,
    outcome: outcomeOf(meta.status),
    turns,
    seconds: Math.round(Math.max(0, Math.min(meta.ended_at, meta.deadline) - meta.started_at)) / 1000,
    startedAt: meta.started_at,
    deadline: meta.deadline,
    endedAt: meta.ended_at,
  };
}

/** Sends the finished game, if it is pending. Never throws: a failure schedules the next attempt. */
export async function flushGameOutbox(store: GameStore, env: Env): Promise<void> {
  const meta = store.meta();
  if (!meta || meta.outbox !== "pending") return;
  try {
    const message = buildGameMessage(meta, store.turns().length);
    const checked = GameMessage.safeParse(message);
    if (checked.success) {
      await sendGame(env.REDTEAM, checked.data);
    } else {
      const reason = `invalid at producer: ${describeIssues(checked.error, { root: "(root)", separator: " ", max: Infinity })}`;
      await sendDeadLetter(env.VOTES_DLQ, {
        reason: reason.slice(0, 1000),
        sourceQueue: REDTEAM_QUEUE,
        attempts: meta.enqueue_attempts,
        body: message,
      });
      log.error("redteam.invalid_message", { game: meta.id, reason });
    }
    store.outboxSent();
  } catch (err) {
    const attempts = meta.enqueue_attempts + 1;
    store.outboxRetryAt(attempts, Date.now() + backoffMs(attempts));
    log.error("redteam.enqueue_failed", { game: meta.id, attempts, err: errorText(err) });
  }
}
