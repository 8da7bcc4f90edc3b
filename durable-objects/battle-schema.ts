// SQLite schema inside each BattleRoom (PRAGMA user_version is not available in DOs, so steps are tracked in a
// table). Add a new step at the end; never edit a shipped one.
const STEPS: string[] = [
  `CREATE TABLE battle (
     k INTEGER PRIMARY KEY CHECK (k = 1),
     id TEXT NOT NULL,
     mode TEXT NOT NULL,                 -- anonymous | side-by-side | chat
     model_a TEXT NOT NULL,              -- JSON ModelRecord snapshot taken at creation
     model_b TEXT,                       -- JSON ModelRecord, null for chat
     pair_probability REAL,
     consent INTEGER NOT NULL DEFAULT 0,
     creator_hash TEXT NOT NULL,
     leak_terms TEXT NOT NULL,           -- JSON string[] of every identity in the pool
     chat_context TEXT,                  -- JSON ChatMessage[] before the chat turn (chat mode)
     chat_params TEXT,                   -- JSON Partial<GenerationParams> (chat mode)
     status TEXT NOT NULL DEFAULT 'open',-- open | voted
     leaked INTEGER NOT NULL DEFAULT 0,
     winner TEXT,
     voter_hash TEXT,
     voted_at INTEGER,
     outbox TEXT NOT NULL DEFAULT 'none',-- none | pending | sent : the vote message's journey to the queue
     enqueue_attempts INTEGER NOT NULL DEFAULT 0,
     next_enqueue_at INTEGER,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   )`,
  `CREATE TABLE turn (
     turn INTEGER NOT NULL,
     side TEXT NOT NULL,
     user TEXT NOT NULL,
     text TEXT NOT NULL DEFAULT '',
     finish TEXT,                        -- null while generating: stop | length | error | stopped
     tokens INTEGER,
     attempt INTEGER NOT NULL DEFAULT 0,
     started_at INTEGER NOT NULL,
     finished_at INTEGER,
     PRIMARY KEY (turn, side)
   )`,
  // The vote's exclusion decided outside the conversation (the per-voter daily cap), null when none.
  `ALTER TABLE battle ADD COLUMN cap_reason TEXT`,
];

export function migrate(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema_steps (step INTEGER PRIMARY KEY)");
  const done = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _schema_steps").one().n;
  for (let i = done; i < STEPS.length; i++) {
    sql.exec(STEPS[i]!);
    sql.exec("INSERT INTO _schema_steps (step) VALUES (?)", i);
  }
}

/** True once the object has been created (an unknown id has no tables at all). */
export function schemaExists(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_schema_steps'").toArray().length > 0;
}
