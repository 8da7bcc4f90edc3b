// Typed access to one BattleRoom's SQLite storage (tables and their steps: ./battle-schema.ts). The room, its turn
// runner and its outbox read and write state only through this class, so every SQL statement of the object is here.
// One `battle` row (k = 1) holds the secret pair, the vote and the outbox; one `turn` row per turn and side holds
// the prompt and that side's answer. Direct chat reuses the tables with mode 'chat' and no model B.
import type { Winner } from "../shared/battle/contract";
import type { Side, SideFinish } from "../shared/battle/sse";
import type { ExclusionFacts } from "../shared/battle/vote-rules";
import type { ChatMessage } from "../shared/providers";
import { migrate, schemaExists } from "./battle-schema";

export type RoomMode = "anonymous" | "side-by-side" | "chat";

export interface MetaRow extends Record<string, SqlStorageValue> {
  id: string;
  mode: RoomMode;
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

/** A new battle's row; the JSON columns already serialised. */
export type NewBattle = Pick<
  MetaRow,
  | "id"
  | "mode"
  | "model_a"
  | "model_b"
  | "pair_probability"
  | "consent"
  | "creator_hash"
  | "leak_terms"
  | "chat_params"
  | "created_at"
  | "expires_at"
>;

/** A new direct chat's row (its one reply is turn 1, side a). */
export type NewChat = Pick<
  MetaRow,
  "id" | "model_a" | "creator_hash" | "chat_context" | "chat_params" | "created_at" | "expires_at"
>;

/** The battle's flags that decide whether its vote counts (shared/battle/vote-rules.ts). */
export const exclusionFacts = (meta: MetaRow): ExclusionFacts => ({
  mode: meta.mode,
  leaked: Boolean(meta.leaked),
  capReason: meta.cap_reason,
});

export class BattleStore {
  private readonly sql: SqlStorage;
  /** False for an unknown id (nothing is stored for it) and after the object wiped itself. */
  private hasSchema = false;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
  }

  /**
   * Opens the storage of a fresh instance (inside blockConcurrencyWhile). Tables exist only once create()/chat()
   * ran, so probing an unknown id stores nothing. A fresh instance has no generation running, so any side still
   * marked as generating was cut off when the previous instance went away: it ends as errored and the turn becomes
   * votable (the vote will not count).
   */
  open(): void {
    this.hasSchema = schemaExists(this.sql);
    if (!this.hasSchema) return;
    migrate(this.sql);
    this.sql.exec("UPDATE turn SET finish = 'error', finished_at = ? WHERE finish IS NULL", Date.now());
  }

  /** After deleteAll(): this instance now answers "not found". */
  forget(): void {
    this.hasSchema = false;
  }

  // ---------------------------------------------------------------- creation (tables and first rows, one transaction)

  createBattle(row: NewBattle): void {
    this.create(() =>
      this.sql.exec(
        `INSERT INTO battle (k, id, mode, model_a, model_b, pair_probability, consent, creator_hash, leak_terms,
         chat_params, created_at, expires_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        row.id,
        row.mode,
        row.model_a,
        row.model_b,
        row.pair_probability,
        row.consent,
        row.creator_hash,
        row.leak_terms,
        row.chat_params,
        row.created_at,
        row.expires_at,
      ),
    );
  }

  createChat(row: NewChat, prompt: string): void {
    this.create(() => {
      this.sql.exec(
        `INSERT INTO battle (k, id, mode, model_a, creator_hash, leak_terms, chat_context, chat_params, created_at,
         expires_at) VALUES (1, ?, 'chat', ?, ?, '[]', ?, ?, ?, ?)`,
        row.id,
        row.model_a,
        row.creator_hash,
        row.chat_context,
        row.chat_params,
        row.created_at,
        row.expires_at,
      );
      this.sql.exec("INSERT INTO turn (turn, side, user, started_at) VALUES (1, 'a', ?, ?)", prompt, row.created_at);
    });
  }

  /** Creates the tables and the object's first rows in one transaction: a failure leaves nothing behind. */
  private create(write: () => void): void {
    this.storage.transactionSync(() => {
      migrate(this.sql);
      write();
    });
    this.hasSchema = true;
  }

  // ---------------------------------------------------------------- reads

  meta(): MetaRow | undefined {
    if (!this.hasSchema) return undefined;
    return this.sql.exec<MetaRow>("SELECT * FROM battle WHERE k = 1").toArray()[0];
  }

  /** The battle's state, or undefined for an unknown id or a direct-chat object. */
  battleMeta(): MetaRow | undefined {
    const meta = this.meta();
    return meta && meta.mode !== "chat" ? meta : undefined;
  }

  turns(): TurnRow[] {
    return this.sql.exec<TurnRow>("SELECT * FROM turn ORDER BY turn, side").toArray();
  }

  turnCount(): number {
    return this.sql.exec<{ n: number | null }>("SELECT MAX(turn) AS n FROM turn").one().n ?? 0;
  }

  /** 0 for a turn's first answer, +1 per regenerate. */
  attempt(turn: number, side: Side): number {
    return this.sql.exec<{ attempt: number }>("SELECT attempt FROM turn WHERE turn = ? AND side = ?", turn, side).one()
      .attempt;
  }

  /** The messages one side sees for turn `upTo`: earlier turns with that side's own answers, then the prompt. */
  conversation(side: Side, upTo: number): ChatMessage[] {
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

  // ---------------------------------------------------------------- turns

  /** A new turn: the prompt, once per side, every side generating. */
  addTurn(turn: number, sides: readonly Side[], user: string, now: number): void {
    for (const side of sides) {
      this.sql.exec("INSERT INTO turn (turn, side, user, started_at) VALUES (?, ?, ?, ?)", turn, side, user, now);
    }
  }

  /** Regenerate: the turn's answers are cleared and generate again, as the next attempt. */
  restartTurn(turn: number, now: number): void {
    this.sql.exec(
      `UPDATE turn SET text = '', finish = NULL, tokens = NULL, finished_at = NULL, attempt = attempt + 1,
         started_at = ? WHERE turn = ?`,
      now,
      turn,
    );
  }

  appendText(turn: number, side: Side, text: string): void {
    this.sql.exec("UPDATE turn SET text = text || ? WHERE turn = ? AND side = ?", text, turn, side);
  }

  finishSide(turn: number, side: Side, finish: SideFinish, tokens: number, at: number): void {
    this.sql.exec(
      "UPDATE turn SET finish = ?, tokens = ?, finished_at = ? WHERE turn = ? AND side = ?",
      finish,
      tokens,
      at,
      turn,
      side,
    );
  }

  /** Ends a side that is still generating as errored (no tokens); false when it had finished or does not exist. */
  failUnfinishedSide(turn: number, side: Side, at: number): boolean {
    const row = this.sql
      .exec<{ finish: string | null }>("SELECT finish FROM turn WHERE turn = ? AND side = ?", turn, side)
      .toArray()[0];
    if (!row || row.finish !== null) return false;
    this.sql.exec(
      "UPDATE turn SET finish = 'error', tokens = 0, finished_at = ? WHERE turn = ? AND side = ?",
      at,
      turn,
      side,
    );
    return true;
  }

  /** An answer named a model of the pool (invariant 4); sticky. */
  markLeaked(): void {
    this.sql.exec("UPDATE battle SET leaked = 1 WHERE k = 1");
  }

  /** Keeps the object alive until `at` (its TTL after the last activity). */
  extendExpiry(at: number): void {
    this.sql.exec("UPDATE battle SET expires_at = ? WHERE k = 1", at);
  }

  // ---------------------------------------------------------------- vote and outbox (invariant 3)

  /** Locks the battle with its vote and puts the vote message in the outbox, first retry at `nextEnqueueAt`. */
  recordVote(vote: { winner: Winner; voterHash: string; at: number; nextEnqueueAt: number; expiresAt: number }): void {
    this.sql.exec(
      `UPDATE battle SET status = 'voted', winner = ?, voter_hash = ?, voted_at = ?, outbox = 'pending',
         next_enqueue_at = ?, expires_at = ? WHERE k = 1`,
      vote.winner,
      vote.voterHash,
      vote.at,
      vote.nextEnqueueAt,
      vote.expiresAt,
    );
  }

  setCapReason(reason: string): void {
    this.sql.exec("UPDATE battle SET cap_reason = ? WHERE k = 1", reason);
  }

  outboxSent(): void {
    this.sql.exec("UPDATE battle SET outbox = 'sent', next_enqueue_at = NULL WHERE k = 1");
  }

  outboxRetryAt(attempts: number, at: number): void {
    this.sql.exec("UPDATE battle SET enqueue_attempts = ?, next_enqueue_at = ? WHERE k = 1", attempts, at);
  }

  /** A sent vote that never reached D1 goes back in the outbox, due now, and the object lives until `expiresAt`. */
  outboxResend(now: number, expiresAt: number): void {
    this.sql.exec(
      "UPDATE battle SET outbox = 'pending', next_enqueue_at = ?, expires_at = ? WHERE k = 1",
      now,
      expiresAt,
    );
  }
}
