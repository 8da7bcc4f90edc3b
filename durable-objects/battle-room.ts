// BattleRoom: one Durable Object per battle (or per direct-chat reply). It holds the secret pair, both transcripts
// and the one-vote lock, and it runs the generation loop itself: a client that disconnects does not stop a turn,
// because the loop lives here and only *relays* to whoever is listening (DESIGN section 2).
//
// Invariants enforced here (DESIGN section 3): the pair never leaves this object before the vote (1); one vote,
// only after both sides finished, locking the battle (2); the vote is persisted before it is enqueued and the
// alarm retries the enqueue until it succeeds (3); identity leaks are detected live and exclude the battle (4).
//
// This file is the object's contract: its RPC methods and its one alarm. The parts live beside it, as
// cloudflare/agents extracts ResumableStream from AIChatAgent: ./battle-store.ts (every SQL statement),
// ./turn-runner.ts (the generation loop), ./outbox.ts (vote delivery); the pure rules are in shared/battle/.
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../shared/core/config";
import { fail, type Result } from "../shared/core/errors";
import { log } from "../shared/core/log";
import type { BattleView, RevealedPair, TurnView, VoteOutcome, Winner } from "../shared/battle/contract";
import type { Transcript } from "../shared/battle/transcript";
import { exclusionOf } from "../shared/battle/vote-rules";
import { reveal, type ModelRecord } from "../shared/models";
import type { ChatMessage, GenerationParams } from "../shared/providers";
import { db, isBattleRecorded } from "../d1/queries";
import { BattleStore, exclusionFacts, type MetaRow } from "./battle-store";
import { FIRST_RETRY_MS, flushOutbox } from "./outbox";
import { TurnRunner } from "./turn-runner";
import { overVoteCap } from "./vote-cap";

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
  /** Set when a router chose the model (`x-arena-route` text): the meta event names the model then. */
  route?: string;
}

type TurnStream = Result<{ stream: ReadableStream<Uint8Array> }>;

const notFound = () => fail(404, "battle_not_found", "No battle with this id.");

export class BattleRoom extends DurableObject<Env> {
  private readonly store: BattleStore;
  private readonly runner: TurnRunner;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new BattleStore(ctx.storage);
    this.runner = new TurnRunner(this.store, {
      env: () => this.env,
      waitUntil: (promise) => this.ctx.waitUntil(promise),
      scheduleAlarm: () => this.scheduleAlarm(),
    });
    void ctx.blockConcurrencyWhile(async () => this.store.open());
  }

  // ---------------------------------------------------------------- RPC: battles

  async create(init: BattleInit): Promise<Result<{ id: string }>> {
    if (this.store.meta()) return fail(409, "battle_exists", "A battle with this id already exists.");
    const now = Date.now();
    this.store.createBattle({
      id: init.id,
      mode: init.mode,
      model_a: JSON.stringify(init.a),
      model_b: JSON.stringify(init.b),
      pair_probability: init.pairProbability,
      consent: init.consent ? 1 : 0,
      creator_hash: init.creatorHash,
      leak_terms: JSON.stringify(init.leakTerms),
      chat_params: init.params ? JSON.stringify(init.params) : null,
      created_at: now,
      expires_at: now + this.config().battleTtlMs,
    });
    await this.scheduleAlarm();
    return { ok: true, id: init.id };
  }

  async sendMessage(content: string): Promise<TurnStream> {
    const meta = this.store.battleMeta();
    if (!meta) return notFound();
    const blocked = this.turnBlocked(meta);
    if (blocked) return blocked;
    const turnNo = this.store.turnCount() + 1;
    if (turnNo > this.config().maxTurns) {
      return fail(409, "turn_limit", `A battle has at most ${this.config().maxTurns} turns; vote or start a new one.`);
    }
    this.store.addTurn(turnNo, ["a", "b"], content, Date.now());
    return this.runner.start(meta, turnNo, ["a", "b"]);
  }

  async regenerate(): Promise<TurnStream> {
    const meta = this.store.battleMeta();
    if (!meta) return notFound();
    const blocked = this.turnBlocked(meta);
    if (blocked) return blocked;
    const turnNo = this.store.turnCount();
    if (turnNo === 0) return fail(409, "no_turns", "Send a message before regenerating.");
    this.store.restartTurn(turnNo, Date.now());
    return this.runner.start(meta, turnNo, ["a", "b"]);
  }

  async stop(): Promise<Result<{ stopped: true }>> {
    if (!this.store.battleMeta()) return notFound();
    this.runner.stop();
    return { ok: true, stopped: true };
  }

  async vote(winner: Winner, voterHash: string): Promise<Result<VoteOutcome>> {
    const meta = this.store.battleMeta();
    if (!meta) return notFound();
    if (meta.status === "voted") return fail(409, "already_voted", "This battle has already been voted on.");
    const turns = this.store.turns();
    if (turns.length === 0) return fail(409, "no_turns", "Send a message and read both answers before voting.");
    if (this.runner.busy || turns.some((t) => t.finish === null)) {
      return fail(409, "turn_in_progress", "Wait until both answers have finished before voting.");
    }
    const now = Date.now();
    // Persist the vote before anything can interleave (invariant 3); the message is built from stored state.
    this.store.recordVote({
      winner,
      voterHash,
      at: now,
      nextEnqueueAt: now + FIRST_RETRY_MS,
      expiresAt: now + this.config().battleTtlMs,
    });
    // The daily cap is checked once the vote is persisted (so a concurrent second vote already gets 409).
    if (meta.mode === "anonymous" && (await overVoteCap(this.env, voterHash, now))) {
      this.store.setCapReason("vote_cap");
    }
    const voted = this.store.meta()!;
    // Arm the retry before the first attempt: if this instance dies mid-send, the alarm still delivers the vote.
    await this.scheduleAlarm();
    await flushOutbox(this.store, this.env);
    await this.scheduleAlarm();
    const { counted, reason } = exclusionOf(exclusionFacts(voted), turns);
    return { ok: true, winner, models: reveals(voted), counted, reason };
  }

  async view(): Promise<Result<{ battle: BattleView }>> {
    const meta = this.store.battleMeta();
    if (!meta) return notFound();
    const rows = this.store.turns();
    const turns: TurnView[] = [];
    for (const r of rows) {
      const t = (turns[r.turn - 1] ??= { user: r.user, a: "", b: "" });
      t[r.side] = r.text;
    }
    const showModels = meta.mode !== "anonymous" || meta.status === "voted";
    const { counted, reason } = exclusionOf(exclusionFacts(meta), rows);
    return {
      ok: true,
      battle: {
        id: meta.id,
        mode: meta.mode as BattleView["mode"],
        status: meta.status,
        turns,
        models: showModels ? reveals(meta) : null,
        counted,
        reason,
        canVote: meta.status === "open" && rows.length > 0 && !this.runner.busy && rows.every((r) => r.finish !== null),
      },
    };
  }

  /** Full transcript for retention; only once voted (the pair is public by then). */
  async transcript(): Promise<Result<{ transcript: Transcript }>> {
    const meta = this.store.battleMeta();
    if (!meta || meta.status !== "voted") return notFound();
    const a = JSON.parse(meta.model_a) as ModelRecord;
    const b = JSON.parse(meta.model_b!) as ModelRecord;
    return {
      ok: true,
      transcript: {
        id: meta.id,
        modelA: a.id,
        modelB: b.id,
        conversationA: this.store.conversation("a", this.store.turnCount() + 1),
        conversationB: this.store.conversation("b", this.store.turnCount() + 1),
      },
    };
  }

  // ---------------------------------------------------------------- RPC: direct chat

  async chat(init: ChatInit): Promise<TurnStream> {
    if (this.store.meta()) return fail(409, "chat_exists", "A chat with this id already exists.");
    const now = Date.now();
    const last = init.messages[init.messages.length - 1]!;
    this.store.createChat(
      {
        id: init.id,
        model_a: JSON.stringify(init.model),
        creator_hash: init.creatorHash,
        chat_context: JSON.stringify(init.messages.slice(0, -1)),
        chat_params: JSON.stringify(init.params),
        created_at: now,
        expires_at: now + this.config().battleTtlMs,
      },
      last.content,
    );
    const routed = init.route ? { model: { id: init.model.id, name: init.model.name }, route: init.route } : {};
    return this.runner.start(this.store.meta()!, 1, ["a"], { event: "meta", data: { id: init.id, ...routed } });
  }

  /** The model a chat reply came from, for feedback. */
  async chatModel(): Promise<Result<{ model: string }>> {
    const meta = this.store.meta();
    if (!meta || meta.mode !== "chat") return fail(404, "chat_not_found", "No chat with this id.");
    return { ok: true, model: (JSON.parse(meta.model_a) as ModelRecord).id };
  }

  // ---------------------------------------------------------------- alarm: enqueue retries, watchdog, expiry

  override async alarm(): Promise<void> {
    const meta = this.store.meta();
    if (!meta) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const now = Date.now();
    if (meta.outbox === "pending" && (meta.next_enqueue_at ?? 0) <= now) await flushOutbox(this.store, this.env);
    this.runner.enforceDeadline(now);
    const after = this.store.meta()!;
    if (
      now >= after.expires_at &&
      after.status === "voted" &&
      after.outbox === "sent" &&
      !(await this.recordedInD1(after.id))
    ) {
      // Last line of defence for invariant 3: the vote never reached D1 (e.g. it was dead-lettered), send it again
      // and keep the battle for another TTL rather than wiping the only copy.
      this.store.outboxResend(now, now + this.config().battleTtlMs);
      log.error("vote.missing_in_d1", { battle: after.id });
      await flushOutbox(this.store, this.env);
      await this.scheduleAlarm();
      return;
    }
    if (now >= after.expires_at && after.outbox !== "pending" && !this.runner.busy) {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.store.forget(); // the tables are gone: this instance now answers "not found"
      return;
    }
    await this.scheduleAlarm();
  }

  /** One alarm serves three timers: the next enqueue retry, the generation watchdog and expiry. */
  private async scheduleAlarm(): Promise<void> {
    const meta = this.store.meta();
    if (!meta) return;
    // An unsent vote postpones expiry: only its next retry is due then.
    const due = meta.outbox === "pending" ? [meta.next_enqueue_at ?? Date.now()] : [meta.expires_at];
    const deadline = this.runner.deadline;
    if (deadline !== null) due.push(deadline);
    await this.ctx.storage.setAlarm(Math.min(...due));
  }

  // ---------------------------------------------------------------- helpers

  private config() {
    return readConfig(this.env);
  }

  private turnBlocked(meta: MetaRow) {
    if (meta.status === "voted") return fail(409, "already_voted", "This battle has been voted on; start a new one.");
    if (this.runner.busy) return fail(409, "turn_in_progress", "Wait until both answers have finished.");
    return null;
  }

  private async recordedInD1(id: string): Promise<boolean> {
    try {
      return await isBattleRecorded(db(this.env.DB), id);
    } catch {
      return false; // D1 unreachable: assume not recorded, which only delays the wipe
    }
  }
}

const reveals = (meta: MetaRow): RevealedPair => ({
  a: reveal(JSON.parse(meta.model_a)),
  b: reveal(JSON.parse(meta.model_b!)),
});
