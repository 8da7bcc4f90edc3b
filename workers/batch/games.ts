// arena-redteam consumer (DESIGN section 11): finished Red Team games → D1 `redteam_games`, exactly once, with the
// transcript of a consented ranked game copied to R2 first. One idempotent statement batch per delivery (primary key = the game id, so a redelivery changes nothing); a failed
// batch is retried with backoff; a poison message goes to the dead-letter queue with its reason.
import { db } from "../../d1/queries";
import { insertGame, type GameRow } from "../../d1/redteam";
import { GameMessage } from "../../queues/games";
import { readConfig } from "../../shared/core/config";
import { log } from "../../shared/core/log";
import { retainGameTranscript } from "../../shared/redteam/transcript";
import { validMessages } from "./poison";
import { retryDelaySeconds } from "./retry";

export const gameToRow = (m: GameMessage, now: number, transcriptKey: string | null = null): GameRow => ({
  id: m.gameId,
  tstamp: m.endedAt,
  startedAt: m.startedAt,
  deadline: m.deadline,
  playerId: m.playerId,
  ranked: m.ranked,
  model: m.model,
  kind: m.kind,
  kindVersion: m.kindVersion,
  target: m.targetId,
  targetText: m.target,
  outcome: m.outcome,
  turns: m.turns,
  seconds: m.seconds,
  recordedAt: now,
  consent: m.consent === true,
  transcriptKey,
});

export async function writeGames(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const valid = (await validMessages(batch, env, GameMessage, "redteam")).map(({ msg, body }) => ({ msg, game: body }));
  if (valid.length === 0) return;
  try {
    const d = db(env.DB);
    const now = Date.now();
    // Transcripts first (consented ranked games), so a row never names an object that is not there.
    const retention = readConfig(env).transcriptRetention;
    const keys = await Promise.all(
      valid.map(({ msg, game }) => retainGameTranscript(env, game, retention, msg.attempts)),
    );
    const statements = valid.map(({ game }, i) => insertGame(d, gameToRow(game, now, keys[i] ?? null)));
    const results = await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
    const inserted = results.reduce((n, r) => n + ((r as { meta?: { changes?: number } }).meta?.changes ?? 0), 0);
    for (const { msg } of valid) msg.ack();
    log.info("redteam.batch_written", { count: valid.length, inserted, duplicates: valid.length - inserted });
  } catch (err) {
    log.error("redteam.batch_failed", { count: valid.length, err: String(err) });
    for (const { msg } of valid) msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
  }
}
