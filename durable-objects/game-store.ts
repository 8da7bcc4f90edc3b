// The GameRoom's SQLite (DESIGN section 11): one `game` row (setup, clock, status, outbox) and its turns. Every SQL
// statement of the object is here; the rules are in shared/redteam/.
import type { GameStatus } from "../shared/redteam/game";
import type { KindName } from "../shared/redteam/kinds";

export interface GameRowDo {
  id: string;
  kind: KindName;
  kind_version: number;
  target_id: string;
  target: string;
  shown_target: string | null;
  system: string;
  model: string;
  player_id: string | null;
  player_handle: string | null;
  /** 1: the player agreed to release the transcript. */
  consent: number;
  status: GameStatus;
  started_at: number;
  deadline: number;
  ended_at: number | null;
  outbox: "none" | "pending" | "sent";
  enqueue_attempts: number;
  next_enqueue_at: number | null;
  expires_at: number | null;
}

export interface GameTurnRow {
  n: number;
  user: string;
  assistant: string;
  finished: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS game (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, kind_version INTEGER NOT NULL, target_id TEXT NOT NULL,
    target TEXT NOT NULL, shown_target TEXT, system TEXT NOT NULL, model TEXT NOT NULL, player_id TEXT,
    player_handle TEXT, status TEXT NOT NULL, started_at INTEGER NOT NULL, deadline INTEGER NOT NULL,
    ended_at INTEGER, outbox TEXT NOT NULL DEFAULT 'none', enqueue_attempts INTEGER NOT NULL DEFAULT 0,
    next_enqueue_at INTEGER, expires_at INTEGER, consent INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE IF NOT EXISTS turn (
    n INTEGER PRIMARY KEY, user TEXT NOT NULL, assistant TEXT NOT NULL DEFAULT '', finished INTEGER NOT NULL DEFAULT 0)`,
];

export type NewGame = Omit<
  GameRowDo,
  "status" | "ended_at" | "outbox" | "enqueue_attempts" | "next_enqueue_at" | "expires_at"
>;

export class GameStore {
  private opened = false;

  constructor(private readonly storage: DurableObjectStorage) {}

  open(): void {
    for (const s of SCHEMA) this.storage.sql.exec(s);
    // A room created before the consent column: add it (its game had no consent to give).
    const columns = this.storage.sql.exec("SELECT name FROM pragma_table_info('game')").toArray();
    if (!columns.some((c) => c.name === "consent")) {
      this.storage.sql.exec("ALTER TABLE game ADD COLUMN consent INTEGER NOT NULL DEFAULT 0");
    }
    this.opened = true;
  }

  /** After deleteAll(): the tables are gone, so every read answers "no game". */
  forget(): void {
    this.opened = false;
  }

  meta(): GameRowDo | null {
    if (!this.opened) return null;
    return (this.storage.sql.exec("SELECT * FROM game LIMIT 1").toArray()[0] as unknown as GameRowDo) ?? null;
  }

  create(g: NewGame): void {
    this.storage.sql.exec(
      `INSERT INTO game (id, kind, kind_version, target_id, target, shown_target, system, model, player_id,
        player_handle, consent, status, started_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'playing', ?, ?)`,
      g.id,
      g.kind,
      g.kind_version,
      g.target_id,
      g.target,
      g.shown_target,
      g.system,
      g.model,
      g.player_id,
      g.player_handle,
      g.consent,
      g.started_at,
      g.deadline,
    );
  }

  turns(): GameTurnRow[] {
    return this.storage.sql.exec("SELECT * FROM turn ORDER BY n").toArray() as unknown as GameTurnRow[];
  }

  addTurn(user: string): number {
    const n = this.turns().length + 1;
    this.storage.sql.exec("INSERT INTO turn (n, user) VALUES (?, ?)", n, user);
    return n;
  }

  appendText(n: number, text: string): void {
    this.storage.sql.exec("UPDATE turn SET assistant = assistant || ? WHERE n = ?", text, n);
  }

  finishTurn(n: number): void {
    this.storage.sql.exec("UPDATE turn SET finished = 1 WHERE n = ?", n);
  }

  /** Ends a game still playing (first end wins); the finished game is queued for D1 (the outbox). */
  end(status: Exclude<GameStatus, "playing">, at: number, firstRetryAt: number, expiresAt: number): boolean {
    const cursor = this.storage.sql.exec(
      `UPDATE game SET status = ?, ended_at = ?, outbox = 'pending', next_enqueue_at = ?, expires_at = ?
       WHERE status = 'playing'`,
      status,
      at,
      firstRetryAt,
      expiresAt,
    );
    return cursor.rowsWritten > 0;
  }

  outboxSent(): void {
    this.storage.sql.exec("UPDATE game SET outbox = 'sent', next_enqueue_at = NULL");
  }

  outboxRetryAt(attempts: number, at: number): void {
    this.storage.sql.exec("UPDATE game SET enqueue_attempts = ?, next_enqueue_at = ?", attempts, at);
  }

  /** The row never reached D1: send it again and keep the game for another TTL. */
  outboxResend(at: number, expiresAt: number): void {
    this.storage.sql.exec("UPDATE game SET outbox = 'pending', next_enqueue_at = ?, expires_at = ?", at, expiresAt);
  }
}
