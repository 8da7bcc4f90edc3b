// GameRoom: one Durable Object per Red Team game (DESIGN section 11). It holds the kind, the target (and the
// secret), the model, the transcript, the player and the clock, and it runs the generation loop itself: a client
// that disconnects does not stop an answer, and the deadline is enforced here — generation is cut at it, and the
// alarm ends the game `lost` at the deadline even if nobody is connected. A win is checked live on the model's
// output. A finished game is persisted, then sent to the queue; the alarm retries until the queue takes it.
//
// The parts live beside it as for BattleRoom: ./game-store.ts (SQL), ./game-runner.ts (the loop),
// ./game-outbox.ts (delivery); the rules are in shared/redteam/.
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../shared/core/config";
import { fail, type Result } from "../shared/core/errors";
import { log } from "../shared/core/log";
import { reveal, type ModelRecord } from "../shared/models";
import type { GameSetup, GameStatus, GameView } from "../shared/redteam/game";
import { db } from "../d1/queries";
import { getGameRow } from "../d1/redteam";
import { flushGameOutbox, GAME_FIRST_RETRY_MS } from "./game-outbox";
import { GameRunner } from "./game-runner";
import { GameStore } from "./game-store";

export interface GameInit {
  id: string;
  setup: GameSetup;
  model: ModelRecord;
  player: { id: string; handle: string } | null;
  seconds: number;
  /** The player agreed to release the transcript (kept for ranked games only). */
  consent: boolean;
}

const notFound = () => fail(404, "game_not_found", "No game with this id.");
const gameOver = () => fail(409, "game_over", "This game is over; start a new one.");

export class GameRoom extends DurableObject<Env> {
  private readonly store: GameStore;
  private readonly runner: GameRunner;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new GameStore(ctx.storage);
    this.runner = new GameRunner(this.store, {
      env: () => this.env,
      waitUntil: (p) => this.ctx.waitUntil(p),
      end: (status) => this.end(status),
    });
    void ctx.blockConcurrencyWhile(async () => this.store.open());
  }

  // ---------------------------------------------------------------- RPC

  async create(init: GameInit): Promise<Result<{ deadline: number }>> {
    if (this.store.meta()) return fail(409, "game_exists", "A game with this id already exists.");
    const now = Date.now();
    const deadline = now + init.seconds * 1000;
    this.store.create({
      id: init.id,
      kind: init.setup.kind,
      kind_version: init.setup.kindVersion,
      target_id: init.setup.targetId,
      target: init.setup.target,
      shown_target: init.setup.shownTarget,
      system: init.setup.system,
      model: JSON.stringify(init.model),
      player_id: init.player?.id ?? null,
      player_handle: init.player?.handle ?? null,
      consent: init.consent && init.player !== null ? 1 : 0,
      started_at: now,
      deadline,
    });
    await this.scheduleAlarm();
    return { ok: true, deadline };
  }

  async sendMessage(content: string): Promise<Result<{ stream: ReadableStream<Uint8Array> }>> {
    const meta = this.store.meta();
    if (!meta) return notFound();
    if (meta.status === "playing" && Date.now() >= meta.deadline) await this.end("lost");
    if (this.store.meta()!.status !== "playing") return gameOver();
    if (this.runner.busy) return fail(409, "turn_in_progress", "Wait until the model has finished answering.");
    const n = this.store.addTurn(content);
    return { ok: true, stream: this.runner.start(meta, n) };
  }

  async forfeit(): Promise<Result<{ status: "forfeit" }>> {
    const meta = this.store.meta();
    if (!meta) return notFound();
    if (meta.status === "playing" && Date.now() >= meta.deadline) await this.end("lost");
    if (this.store.meta()!.status !== "playing") return gameOver();
    await this.end("forfeit");
    this.runner.cut();
    return { ok: true, status: "forfeit" };
  }

  async view(): Promise<Result<{ game: GameView }>> {
    const meta = this.store.meta();
    if (!meta) return notFound();
    const over = meta.status !== "playing";
    return {
      ok: true,
      game: {
        id: meta.id,
        kind: meta.kind,
        status: meta.status,
        model: reveal(JSON.parse(meta.model) as ModelRecord),
        target: over ? meta.target : meta.shown_target,
        turns: this.store.turns().map((t) => ({ user: t.user, assistant: t.assistant })),
        startedAt: meta.started_at,
        endedAt: meta.ended_at,
        deadline: meta.deadline,
        ranked: meta.player_id !== null,
        player: meta.player_id ? { id: meta.player_id, handle: meta.player_handle ?? "" } : null,
      },
    };
  }

  // ---------------------------------------------------------------- alarm: deadline, outbox retries, expiry

  override async alarm(): Promise<void> {
    const meta = this.store.meta();
    if (!meta) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const now = Date.now();
    if (meta.status === "playing" && now >= meta.deadline) {
      await this.end("lost");
      this.runner.cut();
    }
    const after = this.store.meta()!;
    if (after.outbox === "pending" && (after.next_enqueue_at ?? 0) <= now) await flushGameOutbox(this.store, this.env);
    const done = this.store.meta()!;
    if (done.status !== "playing" && done.expires_at !== null && now >= done.expires_at && done.outbox === "sent") {
      if (!(await this.recordedInD1(done.id))) {
        // Last guard: the row never reached D1 (dead-lettered?): send it again, keep the game another TTL.
        log.error("redteam.missing_in_d1", { game: done.id });
        this.store.outboxResend(now, now + readConfig(this.env).battleTtlMs);
        await flushGameOutbox(this.store, this.env);
      } else if (!this.runner.busy) {
        await this.ctx.storage.deleteAlarm();
        await this.ctx.storage.deleteAll();
        this.store.forget();
        return;
      }
    }
    await this.scheduleAlarm();
  }

  // ---------------------------------------------------------------- helpers

  /** Ends a game still playing: persisted first, then sent (invariant 3's discipline, for games). */
  private async end(status: Exclude<GameStatus, "playing">): Promise<void> {
    const now = Date.now();
    if (!this.store.end(status, now, now + GAME_FIRST_RETRY_MS, now + readConfig(this.env).battleTtlMs)) return;
    await this.scheduleAlarm();
    await flushGameOutbox(this.store, this.env);
    await this.scheduleAlarm();
  }

  /** One alarm: the deadline while playing; then the next enqueue retry, or expiry. */
  private async scheduleAlarm(): Promise<void> {
    const meta = this.store.meta();
    if (!meta) return;
    const at =
      meta.status === "playing"
        ? meta.deadline
        : meta.outbox === "pending"
          ? (meta.next_enqueue_at ?? Date.now())
          : (meta.expires_at ?? Date.now());
    await this.ctx.storage.setAlarm(at);
  }

  private async recordedInD1(id: string): Promise<boolean> {
    try {
      return (await getGameRow(db(this.env.DB), id)) !== undefined;
    } catch {
      return false;
    }
  }
}
