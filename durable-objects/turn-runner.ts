// The generation loop of a BattleRoom (DESIGN section 2): runs one turn's sides through their providers, stores the
// text as it streams (in batches, not per token), relays every event to whoever is listening, and ends each side
// with a finish the vote rules can read. The loop lives in the DO, so a client that disconnects does not stop a
// turn: a listener that went away is dropped, the generation goes on. Identity leaks are caught live (invariant 4)
// and a failing side reaches the client as neutral text only (invariant 1).
import { readConfig } from "../shared/core/config";
import type { Result } from "../shared/core/errors";
import { errorText, log } from "../shared/core/log";
import { LeakDetector } from "../shared/battle/leak";
import { encodeEvent, sideFailedMessage, type BattleEvent, type Side, type SideFinish } from "../shared/battle/sse";
import { countTokens } from "../shared/battle/style";
import { exclusionOf } from "../shared/battle/vote-rules";
import type { ModelRecord } from "../shared/models";
import {
  effectiveParams,
  ProviderError,
  providerFor,
  type GenerationParams,
  type ProviderEvent,
} from "../shared/providers";
import { reportModelHealth } from "../d1/model-health";
import { ownedModelApiKey } from "../d1/providers";
import { exclusionFacts, type BattleStore, type MetaRow } from "./battle-store";

/** The in-memory state of the turn being generated right now (at most one per battle). */
export interface LiveTurn {
  turn: number;
  controller: AbortController;
  stopped: boolean;
  deadline: number;
  listeners: Set<WritableStreamDefaultWriter<Uint8Array>>;
}

/** What the runner needs from its Durable Object. */
export interface TurnHost {
  /** The DO's env, read at each use. */
  env(): Env;
  waitUntil(promise: Promise<unknown>): void;
  /** Re-arms the DO's one alarm, which also serves as this loop's watchdog (`deadline`). */
  scheduleAlarm(): Promise<void>;
}

/** Generation gives up (sides end with `error`) after this long; the alarm enforces it. */
const GENERATION_DEADLINE_MS = 10 * 60_000;
/** Transcript chunks are appended to SQLite in batches, not once per token. */
const FLUSH_CHARS = 512;
const FLUSH_MS = 250;

const encoder = new TextEncoder();

export class TurnRunner {
  private live: LiveTurn | null = null;

  constructor(
    private readonly store: BattleStore,
    private readonly host: TurnHost,
  ) {}

  /** True while a turn is generating. */
  get busy(): boolean {
    return this.live !== null;
  }

  /** When the watchdog gives up on the running turn, or null when none runs. */
  get deadline(): number | null {
    return this.live?.deadline ?? null;
  }

  /** Stop pressed: unfinished sides end with `stopped`. */
  stop(): void {
    if (!this.live) return;
    this.live.stopped = true;
    this.live.controller.abort();
  }

  /** The watchdog: a turn past its deadline is aborted (its unfinished sides end with `error`). */
  enforceDeadline(now: number): void {
    if (this.live && now >= this.live.deadline) this.live.controller.abort();
  }

  /** Starts generating `sides` of turn `turnNo` (rows already stored) and returns the stream of its events. */
  start(
    meta: MetaRow,
    turnNo: number,
    sides: Side[],
    first?: BattleEvent,
  ): Result<{ stream: ReadableStream<Uint8Array> }> {
    const live: LiveTurn = {
      turn: turnNo,
      controller: new AbortController(),
      stopped: false,
      deadline: Date.now() + GENERATION_DEADLINE_MS,
      listeners: new Set(),
    };
    this.live = live;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    live.listeners.add(writable.getWriter());
    if (first) this.emit(live, first);
    const run = this.runTurn(meta, live, sides)
      .catch((err) => {
        log.error("battle.turn_failed", { battle: meta.id, err: errorText(err) });
        this.endFailedTurn(live, sides);
      })
      .finally(() => {
        if (this.live === live) this.live = null;
        for (const w of live.listeners) w.close().catch(() => {});
        live.listeners.clear();
      });
    this.host.waitUntil(run);
    void this.host.scheduleAlarm();
    return { ok: true, stream: readable };
  }

  private async runTurn(meta: MetaRow, live: LiveTurn, sides: Side[]): Promise<void> {
    const config = readConfig(this.host.env());
    const defaults = {
      temperature: config.defaultTemperature,
      topP: config.defaultTopP,
      maxTokens: config.defaultMaxTokens,
    };
    const requested = meta.chat_params ? (JSON.parse(meta.chat_params) as Partial<GenerationParams>) : {};
    const leak = meta.mode === "anonymous" ? new LeakDetector(JSON.parse(meta.leak_terms) as string[]) : null;
    await Promise.all(
      sides.map((side) => {
        const model = JSON.parse(side === "a" ? meta.model_a : meta.model_b!) as ModelRecord;
        return this.runSide(live, side, model, effectiveParams(model, defaults, requested), leak);
      }),
    );
    const after = this.store.meta()!;
    const { counted, reason } = exclusionOf(exclusionFacts(after), this.store.turns());
    const canVote = after.mode !== "chat" && after.status === "open";
    this.emit(live, { event: "done", data: { turn: live.turn, canVote, counted, reason } });
    // Keep the battle alive for its TTL after the last activity.
    this.store.extendExpiry(Date.now() + config.battleTtlMs);
    await this.host.scheduleAlarm();
  }

  private async runSide(
    live: LiveTurn,
    side: Side,
    model: ModelRecord,
    params: GenerationParams,
    leak: LeakDetector | null,
  ): Promise<void> {
    const attempt = this.store.attempt(live.turn, side);
    const messages = this.store.conversation(side, live.turn);
    let text = "";
    let pending = "";
    let lastFlush = Date.now();
    let finish: SideFinish = "stop";
    let failure: unknown;
    const flush = () => {
      if (pending) this.store.appendText(live.turn, side, pending);
      pending = "";
      lastFlush = Date.now();
    };
    try {
      const provider = providerFor(model.provider);
      if (!provider) throw new Error(`no provider for kind ${model.provider}`);
      const events = provider.generate({
        model,
        messages,
        params,
        signal: live.controller.signal,
        attempt,
        env: this.host.env(),
        resolveOwnedKey: () => ownedModelApiKey(this.host.env(), model.id),
      });
      for await (const ev of untilAborted(events, live.controller.signal)) {
        if (ev.type === "finish") {
          finish = ev.reason;
          continue;
        }
        if (!ev.text) continue;
        text += ev.text;
        pending += ev.text;
        this.emit(live, { event: "token", data: { side, text: ev.text } });
        if (leak && leak.testTail(text, ev.text.length)) this.store.markLeaked();
        if (pending.length >= FLUSH_CHARS || Date.now() - lastFlush >= FLUSH_MS) flush();
      }
      if (live.controller.signal.aborted) finish = live.stopped ? "stopped" : "error";
      if (finish === "error") failure = new ProviderError("timeout", "generation deadline passed");
    } catch (err) {
      finish = live.stopped ? "stopped" : "error";
      failure = err;
      // The raw error may name the vendor: it goes to the log only, the client gets neutral text (invariant 1).
      log.error("battle.side_failed", { side, model: model.id, err: errorText(err) });
    }
    if (finish === "error") this.emit(live, { event: "error", data: { side, message: sideFailedMessage(side) } });
    // A name at the very end of the text is only settled once the side has finished.
    if (leak && leak.test(text)) this.store.markLeaked();
    flush();
    const [count = 0] = await countTokens([text]);
    this.store.finishSide(live.turn, side, finish, count, Date.now());
    this.emit(live, { event: "side-done", data: { side, finish, tokens: count } });
    // Feeds the per-model circuit breaker (never throws).
    if (finish !== "stopped") await reportModelHealth(this.host.env(), model.id, failure);
  }

  /** Sends an event to every listener; a listener that went away is dropped, the generation goes on. */
  private emit(live: LiveTurn, event: BattleEvent): void {
    const bytes = encoder.encode(encodeEvent(event));
    for (const writer of live.listeners) {
      writer.write(bytes).catch(() => live.listeners.delete(writer));
    }
  }

  /** Ends every side still generating as errored, so a turn that failed unexpectedly is still votable. */
  private endFailedTurn(live: LiveTurn, sides: Side[]): void {
    try {
      for (const side of sides) {
        if (!this.store.failUnfinishedSide(live.turn, side, Date.now())) continue;
        this.emit(live, { event: "error", data: { side, message: sideFailedMessage(side) } });
        this.emit(live, { event: "side-done", data: { side, finish: "error", tokens: 0 } });
      }
      const meta = this.store.meta();
      if (!meta) return;
      const { counted, reason } = exclusionOf(exclusionFacts(meta), this.store.turns());
      this.emit(live, {
        event: "done",
        data: { turn: live.turn, canVote: meta.mode !== "chat" && meta.status === "open", counted, reason },
      });
    } catch (err) {
      log.error("battle.turn_cleanup_failed", { err: errorText(err) });
    }
  }
}

/** Ends the iteration as soon as `signal` aborts, even if the provider is stuck waiting on the network. */
export async function* untilAborted(
  events: AsyncIterable<ProviderEvent>,
  signal: AbortSignal,
): AsyncIterable<ProviderEvent> {
  const it = events[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<ProviderEvent>>((resolve) => {
    if (signal.aborted) resolve({ done: true, value: undefined });
    signal.addEventListener("abort", () => resolve({ done: true, value: undefined }), { once: true });
  });
  try {
    while (true) {
      const next = await Promise.race([it.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    void it.return?.()?.catch(() => {});
  }
}
