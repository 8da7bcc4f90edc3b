// The generation loop of a GameRoom (DESIGN section 11): one model answer at a time, streamed to whoever listens,
// stored in batches, checked live for the target on the model's output only. The loop lives in the DO, so a client
// that disconnects does not stop it; the deadline cuts it (a timer here while it runs, the DO's alarm otherwise).
import { readConfig } from "../shared/core/config";
import { errorText, log } from "../shared/core/log";
import type { ModelRecord } from "../shared/models";
import { effectiveParams, providerFor, type ChatMessage } from "../shared/providers";
import {
  encodeGameEvent,
  MODEL_FAILED_MESSAGE,
  secondsLeft,
  type GameEvent,
  type GameStatus,
} from "../shared/redteam/game";
import { isWin } from "../shared/redteam/win";
import { reportModelHealth } from "../d1/model-health";
import type { GameRowDo, GameStore } from "./game-store";
import { untilAborted } from "./turn-runner";

/** What the runner needs from its Durable Object. */
export interface GameHost {
  env(): Env;
  waitUntil(promise: Promise<unknown>): void;
  /** Ends the game (persisted, queued); a no-op when it has already ended. */
  end(status: Exclude<GameStatus, "playing">): Promise<void>;
}

interface LiveAnswer {
  controller: AbortController;
  listeners: Set<WritableStreamDefaultWriter<Uint8Array>>;
}

const FLUSH_CHARS = 512;
const FLUSH_MS = 250;
const encoder = new TextEncoder();

export class GameRunner {
  private live: LiveAnswer | null = null;

  constructor(
    private readonly store: GameStore,
    private readonly host: GameHost,
  ) {}

  get busy(): boolean {
    return this.live !== null;
  }

  /** Cuts the running answer (deadline, forfeit). */
  cut(): void {
    this.live?.controller.abort();
  }

  /** Starts the model's answer to turn `n` (already stored) and returns its event stream. */
  start(meta: GameRowDo, n: number): ReadableStream<Uint8Array> {
    const live: LiveAnswer = { controller: new AbortController(), listeners: new Set() };
    this.live = live;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    live.listeners.add(writable.getWriter());
    // The deadline holds while the answer streams, whoever is listening.
    const timer = setTimeout(() => live.controller.abort(), Math.max(0, meta.deadline - Date.now()));
    const modelId = (JSON.parse(meta.model) as ModelRecord).id;
    const run = this.answer(meta, n, live)
      .then(
        () => reportModelHealth(this.host.env(), modelId, undefined),
        async (err) => {
          // The raw error may name the vendor: logs only; the player gets neutral text and the game goes on.
          log.error("redteam.answer_failed", { game: meta.id, model: modelId, err: errorText(err) });
          if (!live.controller.signal.aborted) {
            this.emit(live, { event: "error", data: { message: MODEL_FAILED_MESSAGE } });
          }
          await reportModelHealth(this.host.env(), modelId, err);
        },
      )
      .then(() => this.finish(meta, n, live))
      .finally(() => {
        clearTimeout(timer);
        if (this.live === live) this.live = null;
        for (const w of live.listeners) w.close().catch(() => {});
        live.listeners.clear();
      });
    this.host.waitUntil(run);
    return readable;
  }

  private async answer(meta: GameRowDo, n: number, live: LiveAnswer): Promise<void> {
    const env = this.host.env();
    const config = readConfig(env);
    const model = JSON.parse(meta.model) as ModelRecord;
    const params = effectiveParams(model, {
      temperature: config.defaultTemperature,
      topP: config.defaultTopP,
      maxTokens: config.defaultMaxTokens,
    });
    const provider = providerFor(model.provider);
    if (!provider) throw new Error(`no provider for kind ${model.provider}`);
    const events = provider.generate({
      model,
      messages: this.conversation(meta),
      params,
      signal: live.controller.signal,
      attempt: 0,
      env,
    });
    let text = "";
    let pending = "";
    let lastFlush = Date.now();
    const flush = () => {
      if (pending) this.store.appendText(n, pending);
      pending = "";
      lastFlush = Date.now();
    };
    try {
      for await (const ev of untilAborted(events, live.controller.signal)) {
        if (ev.type !== "text" || !ev.text) continue;
        if (Date.now() >= meta.deadline) break; // nothing written after the deadline counts
        text += ev.text;
        pending += ev.text;
        this.emit(live, { event: "token", data: { text: ev.text } });
        // Only the model's own output is checked, never the player's message.
        if (isWin(meta.kind, meta.target, text)) {
          flush();
          await this.host.end("won");
          live.controller.abort();
          break;
        }
        if (pending.length >= FLUSH_CHARS || Date.now() - lastFlush >= FLUSH_MS) flush();
      }
    } finally {
      flush();
    }
  }

  private async finish(meta: GameRowDo, n: number, live: LiveAnswer): Promise<void> {
    this.store.finishTurn(n);
    const now = Date.now();
    // Cut while still playing: only the deadline timer aborts then (a win, a forfeit or the alarm end the game first),
    // so the game is lost even if the runtime's clock has not quite reached the deadline yet.
    const cutByDeadline = live.controller.signal.aborted && this.store.meta()?.status === "playing";
    if (now >= meta.deadline || cutByDeadline) await this.host.end("lost");
    const status = this.store.meta()?.status ?? "lost";
    this.emit(live, {
      event: "done",
      data: { status, secondsLeft: status === "playing" ? secondsLeft(meta.deadline, now) : 0 },
    });
  }

  /** System prompt, the earlier turns, then the new message. */
  private conversation(meta: GameRowDo): ChatMessage[] {
    const messages: ChatMessage[] = [{ role: "system", content: meta.system }];
    for (const t of this.store.turns()) {
      messages.push({ role: "user", content: t.user });
      if (t.finished) messages.push({ role: "assistant", content: t.assistant });
    }
    return messages;
  }

  private emit(live: LiveAnswer, event: GameEvent): void {
    const bytes = encoder.encode(encodeGameEvent(event));
    for (const writer of live.listeners) writer.write(bytes).catch(() => live.listeners.delete(writer));
  }
}
