// BattleRoom: one Durable Object per battle (or per direct-chat reply). It holds the secret pair, both transcripts
// and the one-vote lock, and it runs the generation loop itself: a client that disconnects does not stop a turn,
// because the loop lives here and only *relays* to whoever is listening (DESIGN section 2).
//
// Invariants enforced here (DESIGN section 3): the pair never leaves this object before the vote (1); one vote,
// only after both sides finished, locking the battle (2); the vote is persisted before it is enqueued and the
// alarm retries the enqueue until it succeeds (3); identity leaks are detected live and exclude the battle (4).
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../shared/core/config";
import { fail, type Result } from "../shared/core/errors";
import { LeakDetector } from "../shared/battle/leak";
import { reveal, type ModelRecord } from "../shared/models";
import type { BattleView, RevealedPair, TurnView, VoteOutcome, Winner } from "../shared/battle/contract";
import type { Transcript } from "../shared/battle/transcript";
import {
  effectiveParams,
  ProviderError,
  providerFor,
  type ChatMessage,
  type GenerationParams,
  type ProviderEvent,
} from "../shared/providers";
import { countTokens } from "../shared/battle/style";
import { encodeEvent, sideFailedMessage, type BattleEvent, type Side, type SideFinish } from "../shared/battle/sse";
import { sendDeadLetter } from "../queues/dead-letters";
import { db, isBattleRecorded, recordModelFailure, recordModelSuccess } from "../d1/queries";
import { overVoteCap } from "./vote-cap";
import { sendVote, VoteMessage } from "../queues/votes";
import { migrate, schemaExists } from "./battle-schema";
import { buildVoteMessage, exclusionOf } from "./vote";

export type BattleMode = "anonymous" | "side-by-side" | "chat";

export interface BattleInit {
  id: string;
  mode: "anonymous" | "side-by-side";
  a: ModelRecord;
  b: ModelRecord;
  pairProbability: number | null;
  consent: boolean;
  creatorHash: string;
  leakTerms: string[];
  /** Requested generation parameters (side-by-side), stored like a chat's and applied to every turn. */
  params?: Partial<GenerationParams>;
}

export interface ChatInit {
  id: string;
  model: ModelRecord;
  messages: ChatMessage[];
  params: Partial<GenerationParams>;
  creatorHash: string;
}

interface MetaRow extends Record<string, SqlStorageValue> {
  id: string;
  mode: BattleMode;
  model_a: string;
  model_b: string | null;
  pair_probability: number | null;
  consent: number;
  creator_hash: string;
  leak_terms: string;
  chat_context: string | null;
  chat_params: string | null;
  status: "open" | "voted";
  leaked: number;
  winner: Winner | null;
  voter_hash: string | null;
  voted_at: number | null;
  outbox: "none" | "pending" | "sent";
  enqueue_attempts: number;
  next_enqueue_at: number | null;
  created_at: number;
  expires_at: number;
  cap_reason: string | null;
}

export interface TurnRow extends Record<string, SqlStorageValue> {
  turn: number;
  side: Side;
  user: string;
  text: string;
  finish: SideFinish | null;
  tokens: number | null;
  attempt: number;
  started_at: number;
  finished_at: number | null;
}

/** The in-memory state of the turn being generated right now (at most one per battle). */
interface LiveTurn {
  turn: number;
  controller: AbortController;
  stopped: boolean;
  deadline: number;
  listeners: Set<WritableStreamDefaultWriter<Uint8Array>>;
}

/** Generation gives up (sides end with `error`) after this long; the alarm enforces it. */
const GENERATION_DEADLINE_MS = 10 * 60_000;
/** Transcript chunks are appended to SQLite in batches, not once per token. */
const FLUSH_CHARS = 512;
/** A vote's enqueue is retried from the alarm this soon if the first attempt does not complete. */
const FIRST_RETRY_MS = 30_000;
const FLUSH_MS = 250;

const notFound = () => fail(404, "battle_not_found", "No battle with this id.");
const encoder = new TextEncoder();

export class BattleRoom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private live: LiveTurn | null = null;
  private hasSchema = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      // Tables are created on create()/chat() only, so probing an unknown id stores nothing.
      this.hasSchema = schemaExists(this.sql);
      if (!this.hasSchema) return;
      migrate(this.sql);
      // A fresh instance has no generation running, so any side still marked as generating was cut off when the
      // previous instance went away: it ends as errored and the turn becomes votable (the vote will not count).
      this.sql.exec("UPDATE turn SET finish = 'error', finished_at = ? WHERE finish IS NULL", Date.now());
    });
  }

  /** Creates the tables and the object's first rows in one transaction: a failure leaves nothing behind. */
  private createWith(write: () => void): void {
    this.ctx.storage.transactionSync(() => {
      migrate(this.sql);
      write();
    });
    this.hasSchema = true;
  }

  // ---------------------------------------------------------------- RPC: battles

  async create(init: BattleInit): Promise<Result<{ id: string }>> {
    if (this.meta()) return fail(409, "battle_exists", "A battle with this id already exists.");
    const now = Date.now();
    this.createWith(() =>
      this.sql.exec(
        `INSERT INTO battle (k, id, mode, model_a, model_b, pair_probability, consent, creator_hash, leak_terms,
         chat_params, created_at, expires_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        init.id,
        init.mode,
        JSON.stringify(init.a),
        JSON.stringify(init.b),
        init.pairProbability,
        init.consent ? 1 : 0,
        init.creatorHash,
        JSON.stringify(init.leakTerms),
        init.params ? JSON.stringify(init.params) : null,
        now,
        now + this.config().battleTtlMs,
      ),
    );
    await this.scheduleAlarm();
    return { ok: true, id: init.id };
  }

  async sendMessage(content: string): Promise<Result<{ stream: ReadableStream<Uint8Array> }>> {
    const meta = this.battleMeta();
    if (!meta) return notFound();
    const blocked = this.turnBlocked(meta);
    if (blocked) return blocked;
    const turnNo = this.turnCount() + 1;
    if (turnNo > this.config().maxTurns) {
      return fail(409, "turn_limit", `A battle has at most ${this.config().maxTurns} turns; vote or start a new one.`);
    }
    const now = Date.now();
    for (const side of ["a", "b"] as const) {
      this.sql.exec("INSERT INTO turn (turn, side, user, started_at) VALUES (?, ?, ?, ?)", turnNo, side, content, now);
    }
    return this.startTurn(meta, turnNo, ["a", "b"]);
  }

  async regenerate(): Promise<Result<{ stream: ReadableStream<Uint8Array> }>> {
    const meta = this.battleMeta();
    if (!meta) return notFound();
    const blocked = this.turnBlocked(meta);
    if (blocked) return blocked;
    const turnNo = this.turnCount();
    if (turnNo === 0) return fail(409, "no_turns", "Send a message before regenerating.");
    this.sql.exec(
      `UPDATE turn SET text = '', finish = NULL, tokens = NULL, finished_at = NULL, attempt = attempt + 1,
         started_at = ? WHERE turn = ?`,
      Date.now(),
      turnNo,
    );
    return this.startTurn(meta, turnNo, ["a", "b"]);
  }

  async stop(): Promise<Result<{ stopped: true }>> {
    if (!this.battleMeta()) return notFound();
    if (this.live) {
      this.live.stopped = true;
      this.live.controller.abort();
    }
    return { ok: true, stopped: true };
  }

  async vote(winner: Winner, voterHash: string): Promise<Result<VoteOutcome>> {
    const meta = this.battleMeta();
    if (!meta) return notFound();
    if (meta.status === "voted") return fail(409, "already_voted", "This battle has already been voted on.");
    const turns = this.turns();
    if (turns.length === 0) return fail(409, "no_turns", "Send a message and read both answers before voting.");
    if (this.live || turns.some((t) => t.finish === null)) {
      return fail(409, "turn_in_progress", "Wait until both answers have finished before voting.");
    }
    const now = Date.now();
    // Persist the vote before anything can interleave (invariant 3); the message is built from stored state.
    this.sql.exec(
      `UPDATE battle SET status = 'voted', winner = ?, voter_hash = ?, voted_at = ?, outbox = 'pending',
         next_enqueue_at = ?, expires_at = ? WHERE k = 1`,
      winner,
      voterHash,
      now,
      now + FIRST_RETRY_MS,
      now + this.config().battleTtlMs,
    );
    // The daily cap is checked once the vote is persisted (so a concurrent second vote already gets 409).
    if (meta.mode === "anonymous" && (await overVoteCap(this.env, voterHash, now))) {
      this.sql.exec("UPDATE battle SET cap_reason = 'vote_cap' WHERE k = 1");
    }
    const voted = this.meta()!;
    // Arm the retry before the first attempt: if this instance dies mid-send, the alarm still delivers the vote.
    await this.scheduleAlarm();
    await this.flushOutbox();
    await this.scheduleAlarm();
    const { counted, reason } = exclusionOf(voted, turns);
    return { ok: true, winner, models: this.reveals(voted), counted, reason };
  }

  async view(): Promise<Result<{ battle: BattleView }>> {
    const meta = this.battleMeta();
    if (!meta) return notFound();
    const rows = this.turns();
    const turns: TurnView[] = [];
    for (const r of rows) {
      const t = (turns[r.turn - 1] ??= { user: r.user, a: "", b: "" });
      t[r.side] = r.text;
    }
    const showModels = meta.mode !== "anonymous" || meta.status === "voted";
    const { counted, reason } = exclusionOf(meta, rows);
    return {
      ok: true,
      battle: {
        id: meta.id,
        mode: meta.mode as BattleView["mode"],
        status: meta.status,
        turns,
        models: showModels ? this.reveals(meta) : null,
        counted,
        reason,
        canVote: meta.status === "open" && rows.length > 0 && !this.live && rows.every((r) => r.finish !== null),
      },
    };
  }

  /** Full transcript for retention; only once voted (the pair is public by then). */
  async transcript(): Promise<Result<{ transcript: Transcript }>> {
    const meta = this.battleMeta();
    if (!meta || meta.status !== "voted") return notFound();
    const a = JSON.parse(meta.model_a) as ModelRecord;
    const b = JSON.parse(meta.model_b!) as ModelRecord;
    return {
      ok: true,
      transcript: {
        id: meta.id,
        modelA: a.id,
        modelB: b.id,
        conversationA: this.conversation("a", this.turnCount() + 1),
        conversationB: this.conversation("b", this.turnCount() + 1),
      },
    };
  }

  // ---------------------------------------------------------------- RPC: direct chat

  async chat(init: ChatInit): Promise<Result<{ stream: ReadableStream<Uint8Array> }>> {
    if (this.meta()) return fail(409, "chat_exists", "A chat with this id already exists.");
    const now = Date.now();
    const last = init.messages[init.messages.length - 1]!;
    this.createWith(() => {
      this.sql.exec(
        `INSERT INTO battle (k, id, mode, model_a, creator_hash, leak_terms, chat_context, chat_params, created_at,
         expires_at) VALUES (1, ?, 'chat', ?, ?, '[]', ?, ?, ?, ?)`,
        init.id,
        JSON.stringify(init.model),
        init.creatorHash,
        JSON.stringify(init.messages.slice(0, -1)),
        JSON.stringify(init.params),
        now,
        now + this.config().battleTtlMs,
      );
      this.sql.exec("INSERT INTO turn (turn, side, user, started_at) VALUES (1, 'a', ?, ?)", last.content, now);
    });
    return this.startTurn(this.meta()!, 1, ["a"], { event: "meta", data: { id: init.id } });
  }

  /** The model a chat reply came from, for feedback. */
  async chatModel(): Promise<Result<{ model: string }>> {
    const meta = this.meta();
    if (!meta || meta.mode !== "chat") return fail(404, "chat_not_found", "No chat with this id.");
    return { ok: true, model: (JSON.parse(meta.model_a) as ModelRecord).id };
  }

  // ---------------------------------------------------------------- alarm: enqueue retries, watchdog, expiry

  override async alarm(): Promise<void> {
    const meta = this.meta();
    if (!meta) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const now = Date.now();
    if (meta.outbox === "pending" && (meta.next_enqueue_at ?? 0) <= now) await this.flushOutbox();
    if (this.live && now >= this.live.deadline) this.live.controller.abort();
    const after = this.meta()!;
    if (
      now >= after.expires_at &&
      after.status === "voted" &&
      after.outbox === "sent" &&
      !(await this.recordedInD1(after.id))
    ) {
      // Last line of defence for invariant 3: the vote never reached D1 (e.g. it was dead-lettered), send it again
      // and keep the battle for another TTL rather than wiping the only copy.
      this.sql.exec(
        "UPDATE battle SET outbox = 'pending', next_enqueue_at = ?, expires_at = ? WHERE k = 1",
        now,
        now + this.config().battleTtlMs,
      );
      console.error(JSON.stringify({ msg: "vote.missing_in_d1", battle: after.id }));
      await this.flushOutbox();
      await this.scheduleAlarm();
      return;
    }
    if (now >= after.expires_at && after.outbox !== "pending" && !this.live) {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.hasSchema = false; // the tables are gone: this instance now answers "not found"
      return;
    }
    await this.scheduleAlarm();
  }

  // ---------------------------------------------------------------- generation loop

  private startTurn(
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
        console.error(JSON.stringify({ msg: "battle.turn_failed", battle: meta.id, err: String(err) }));
        this.endFailedTurn(live, sides);
      })
      .finally(() => {
        if (this.live === live) this.live = null;
        for (const w of live.listeners) w.close().catch(() => {});
        live.listeners.clear();
      });
    this.ctx.waitUntil(run);
    void this.scheduleAlarm();
    return { ok: true, stream: readable };
  }

  private async runTurn(meta: MetaRow, live: LiveTurn, sides: Side[]): Promise<void> {
    const config = this.config();
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
    const after = this.meta()!;
    const { counted, reason } = exclusionOf(after, this.turns());
    const canVote = after.mode !== "chat" && after.status === "open";
    this.emit(live, { event: "done", data: { turn: live.turn, canVote, counted, reason } });
    // Keep the battle alive for its TTL after the last activity.
    this.sql.exec("UPDATE battle SET expires_at = ? WHERE k = 1", Date.now() + config.battleTtlMs);
    await this.scheduleAlarm();
  }

  private async runSide(
    live: LiveTurn,
    side: Side,
    model: ModelRecord,
    params: GenerationParams,
    leak: LeakDetector | null,
  ): Promise<void> {
    const attempt = this.sql
      .exec<{ attempt: number }>("SELECT attempt FROM turn WHERE turn = ? AND side = ?", live.turn, side)
      .one().attempt;
    const messages = this.conversation(side, live.turn);
    let text = "";
    let pending = "";
    let lastFlush = Date.now();
    let finish: SideFinish = "stop";
    let failure: unknown;
    const flush = () => {
      if (pending)
        this.sql.exec("UPDATE turn SET text = text || ? WHERE turn = ? AND side = ?", pending, live.turn, side);
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
        env: this.env,
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
        if (leak && leak.testTail(text, ev.text.length)) this.sql.exec("UPDATE battle SET leaked = 1 WHERE k = 1");
        if (pending.length >= FLUSH_CHARS || Date.now() - lastFlush >= FLUSH_MS) flush();
      }
      if (live.controller.signal.aborted) finish = live.stopped ? "stopped" : "error";
      if (finish === "error") failure = new ProviderError("timeout", "generation deadline passed");
    } catch (err) {
      finish = live.stopped ? "stopped" : "error";
      failure = err;
      // The raw error may name the vendor: it goes to the log only, the client gets neutral text (invariant 1).
      console.error(JSON.stringify({ msg: "battle.side_failed", side, model: model.id, err: String(err) }));
    }
    if (finish === "error") this.emit(live, { event: "error", data: { side, message: sideFailedMessage(side) } });
    // A name at the very end of the text is only settled once the side has finished.
    if (leak && leak.test(text)) this.sql.exec("UPDATE battle SET leaked = 1 WHERE k = 1");
    flush();
    const [count = 0] = await countTokens([text]);
    this.sql.exec(
      "UPDATE turn SET finish = ?, tokens = ?, finished_at = ? WHERE turn = ? AND side = ?",
      finish,
      count,
      Date.now(),
      live.turn,
      side,
    );
    this.emit(live, { event: "side-done", data: { side, finish, tokens: count } });
    if (finish !== "stopped") await this.reportHealth(model.id, failure);
  }

  /** Feeds the per-model circuit breaker. Best effort: a D1 hiccup must not disturb the battle. */
  private async reportHealth(modelId: string, failure: unknown): Promise<void> {
    try {
      const d = db(this.env.DB);
      const now = Date.now();
      if (failure === undefined) return await recordModelSuccess(d, modelId, now);
      const config = this.config();
      const code = failure instanceof ProviderError ? failure.code : "internal";
      const retryAfterMs = failure instanceof ProviderError ? (failure.retryAfterSeconds ?? 0) * 1000 : 0;
      await recordModelFailure(
        d,
        modelId,
        code,
        now,
        { failures: config.breakerFailures, cooldownMs: config.breakerCooldownMs },
        retryAfterMs,
      );
    } catch (err) {
      console.error(JSON.stringify({ msg: "breaker.report_failed", model: modelId, err: String(err) }));
    }
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
        const row = this.sql
          .exec<{ finish: string | null }>("SELECT finish FROM turn WHERE turn = ? AND side = ?", live.turn, side)
          .toArray()[0];
        if (!row || row.finish !== null) continue;
        this.sql.exec(
          "UPDATE turn SET finish = 'error', tokens = 0, finished_at = ? WHERE turn = ? AND side = ?",
          Date.now(),
          live.turn,
          side,
        );
        this.emit(live, { event: "error", data: { side, message: sideFailedMessage(side) } });
        this.emit(live, { event: "side-done", data: { side, finish: "error", tokens: 0 } });
      }
      const meta = this.meta();
      if (!meta) return;
      const { counted, reason } = exclusionOf(meta, this.turns());
      this.emit(live, {
        event: "done",
        data: { turn: live.turn, canVote: meta.mode !== "chat" && meta.status === "open", counted, reason },
      });
    } catch (err) {
      console.error(JSON.stringify({ msg: "battle.turn_cleanup_failed", err: String(err) }));
    }
  }

  // ---------------------------------------------------------------- vote delivery (invariant 3)

  private async flushOutbox(): Promise<void> {
    const meta = this.meta();
    if (!meta || meta.outbox !== "pending") return;
    try {
      const message = await buildVoteMessage(meta, this.turns(), JSON.parse(meta.model_a), JSON.parse(meta.model_b!));
      const checked = VoteMessage.safeParse(message);
      if (checked.success) {
        await sendVote(this.env.VOTES, checked.data);
      } else {
        // Retrying cannot fix an invalid message: record it as a dead letter (with the reason) so it is not lost.
        const reason = `invalid at producer: ${checked.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`;
        await sendDeadLetter(this.env.VOTES_DLQ, {
          reason: reason.slice(0, 1000),
          sourceQueue: "arena-votes",
          attempts: meta.enqueue_attempts,
          body: message,
        });
        console.error(JSON.stringify({ msg: "vote.invalid_message", battle: meta.id, reason }));
      }
      this.sql.exec("UPDATE battle SET outbox = 'sent', next_enqueue_at = NULL WHERE k = 1");
    } catch (err) {
      const attempts = meta.enqueue_attempts + 1;
      const delay = Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9));
      this.sql.exec(
        "UPDATE battle SET enqueue_attempts = ?, next_enqueue_at = ? WHERE k = 1",
        attempts,
        Date.now() + delay,
      );
      console.error(JSON.stringify({ msg: "vote.enqueue_failed", battle: meta.id, attempts, err: String(err) }));
    }
  }

  private async recordedInD1(id: string): Promise<boolean> {
    try {
      return await isBattleRecorded(db(this.env.DB), id);
    } catch {
      return false; // D1 unreachable: assume not recorded, which only delays the wipe
    }
  }

  /** One alarm serves three timers: the next enqueue retry, the generation watchdog and expiry. */
  private async scheduleAlarm(): Promise<void> {
    const meta = this.meta();
    if (!meta) return;
    // An unsent vote postpones expiry: only its next retry is due then.
    const due = meta.outbox === "pending" ? [meta.next_enqueue_at ?? Date.now()] : [meta.expires_at];
    if (this.live) due.push(this.live.deadline);
    await this.ctx.storage.setAlarm(Math.min(...due));
  }

  // ---------------------------------------------------------------- state helpers

  private config() {
    return readConfig(this.env);
  }

  private meta(): MetaRow | undefined {
    if (!this.hasSchema) return undefined;
    return this.sql.exec<MetaRow>("SELECT * FROM battle WHERE k = 1").toArray()[0];
  }

  /** The battle's state, or undefined for an unknown id or a direct-chat object. */
  private battleMeta(): MetaRow | undefined {
    const meta = this.meta();
    return meta && meta.mode !== "chat" ? meta : undefined;
  }

  private turnBlocked(meta: MetaRow) {
    if (meta.status === "voted") return fail(409, "already_voted", "This battle has been voted on; start a new one.");
    if (this.live) return fail(409, "turn_in_progress", "Wait until both answers have finished.");
    return null;
  }

  private turns(): TurnRow[] {
    return this.sql.exec<TurnRow>("SELECT * FROM turn ORDER BY turn, side").toArray();
  }

  private turnCount(): number {
    return this.sql.exec<{ n: number | null }>("SELECT MAX(turn) AS n FROM turn").one().n ?? 0;
  }

  /** The messages one side sees for turn `upTo`: earlier turns with that side's own answers, then the prompt. */
  private conversation(side: Side, upTo: number): ChatMessage[] {
    const meta = this.meta()!;
    const context = meta.chat_context ? (JSON.parse(meta.chat_context) as ChatMessage[]) : [];
    const rows = this.sql
      .exec<TurnRow>("SELECT * FROM turn WHERE side = ? AND turn <= ? ORDER BY turn", side, upTo)
      .toArray();
    const out = [...context];
    for (const r of rows) {
      out.push({ role: "user", content: r.user });
      if (r.turn < upTo) out.push({ role: "assistant", content: r.text });
    }
    return out;
  }

  private reveals(meta: MetaRow): RevealedPair {
    return { a: reveal(JSON.parse(meta.model_a)), b: reveal(JSON.parse(meta.model_b!)) };
  }
}

/** Ends the iteration as soon as `signal` aborts, even if the provider is stuck waiting on the network. */
async function* untilAborted(events: AsyncIterable<ProviderEvent>, signal: AbortSignal): AsyncIterable<ProviderEvent> {
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

export type { MetaRow };
