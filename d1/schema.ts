// D1 schema (drizzle). Migrations in d1/migrations are generated from this file with `npm run db:generate`
// and applied by wrangler (`npm start`, tests, `npm run db:migrate:remote`). Additive changes only.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** The model registry (DESIGN section 5). Secrets never live here: `apiKeySecret` is the *name* of a Worker secret. */
export const models = sqliteTable(
  "models",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    organization: text("organization").notNull(),
    license: text("license").notNull().default("proprietary"),
    /** JSON array of other names the model is known by (identity-leak detection). */
    aliases: text("aliases", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    provider: text("provider").notNull(),
    baseUrl: text("base_url"),
    upstreamModel: text("upstream_model").notNull(),
    apiKeySecret: text("api_key_secret"),
    samplingWeight: real("sampling_weight").notNull().default(1),
    visibility: text("visibility", { enum: ["public", "private"] })
      .notNull()
      .default("public"),
    codename: text("codename"),
    status: text("status", { enum: ["testing", "active", "paused", "deprecated"] })
      .notNull()
      .default("active"),
    /** JSON array of the modes the model serves: battle, side-by-side, chat. */
    modes: text("modes", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'["battle","side-by-side","chat"]'`),
    /** JSON object of per-model generation overrides (temperature, topP, maxTokens, and provider-specific knobs). */
    params: text("params", { mode: "json" })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** The provider account that registered the model (`providers.id`); null for the operator's own models. */
    ownerId: text("owner_id"),
    /** Model line ("family") for the transparency embargo: a release of any model of the line reveals its variants. */
    family: text("family"),
    /** Lifecycle timestamps (shared/models/lifecycle.ts): private testing began, first made public, current pause, deprecation. */
    testingStartedAt: integer("testing_started_at"),
    releasedAt: integer("released_at"),
    pausedAt: integer("paused_at"),
    deprecatedAt: integer("deprecated_at"),
    deprecationReason: text("deprecation_reason"),
    /** Metadata (DESIGN section 14, shared/models/metadata.ts); null: unknown. */
    pricing: text("pricing", { mode: "json" }).$type<{ input: number; output: number }>(),
    parameters: real("parameters"),
    activeParameters: real("active_parameters"),
    openWeights: integer("open_weights", { mode: "boolean" }),
    contextWindow: integer("context_window"),
    knowledgeCutoff: text("knowledge_cutoff"),
  },
  (t) => [index("models_status_idx").on(t.status), index("models_owner_idx").on(t.ownerId)],
);

/**
 * One row per voted battle (anonymous or side-by-side), written idempotently by the batch worker.
 * Style columns follow FastChat's conv_metadata so the export and the ratings CLI can use them directly.
 */
export const battles = sqliteTable(
  "battles",
  {
    id: text("id").primaryKey(),
    mode: text("mode", { enum: ["anonymous", "side-by-side"] }).notNull(),
    /** 1 for anonymous battles (the only ones rated), 0 for named side-by-side. */
    anony: integer("anony", { mode: "boolean" }).notNull(),
    modelA: text("model_a").notNull(),
    modelB: text("model_b").notNull(),
    winner: text("winner", { enum: ["model_a", "model_b", "tie", "tie (bothbad)"] }).notNull(),
    voterHash: text("voter_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    votedAt: integer("voted_at").notNull(),
    turns: integer("turns").notNull(),
    userTokens: integer("user_tokens").notNull(),
    tokensA: integer("tokens_a").notNull(),
    tokensB: integer("tokens_b").notNull(),
    /** JSON {h1..h6} per side, counted after removing fenced code blocks. */
    headerCountA: text("header_count_a", { mode: "json" }).$type<Record<string, number>>().notNull(),
    headerCountB: text("header_count_b", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** JSON {ordered, unordered} per side. */
    listCountA: text("list_count_a", { mode: "json" }).$type<Record<string, number>>().notNull(),
    listCountB: text("list_count_b", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** JSON {"**", "__"} per side. */
    boldCountA: text("bold_count_a", { mode: "json" }).$type<Record<string, number>>().notNull(),
    boldCountB: text("bold_count_b", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** Emoji per side (shared/battle/style.ts `countEmoji`; style control v2); null for rows voted before it existed. */
    emojiCountA: integer("emoji_count_a"),
    emojiCountB: integer("emoji_count_b"),
    language: text("language"),
    /** JSON array of category names (filled by the classifiers). */
    categories: text("categories", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    excludedReason: text("excluded_reason"),
    samplingProbability: real("sampling_probability"),
    consent: integer("consent", { mode: "boolean" }).notNull().default(false),
    /** R2 key of the retained transcript, when retention applied. */
    transcriptKey: text("transcript_key"),
    recordedAt: integer("recorded_at").notNull(),
    /** SHA-256 of the user turns (FastChat's dedup key); null for battles recorded before it existed. */
    promptHash: text("prompt_hash"),
    /** HEURISTICS_REVISION the heuristic labels were computed with; null = never labelled (maintenance relabels). */
    labelsRev: integer("labels_rev"),
    /** The judge revision (prompt versions and labeller) of the LLM-judge labels; null = not judged. */
    judgeRev: text("judge_rev"),
    /** When a judge job was last queued for this battle (maintenance re-queues a stale one after a while). */
    judgeRequestedAt: integer("judge_requested_at"),
    /** FastChat's dedup_tag: the prompt is above the 99.9th-percentile frequency; this battle is in the sample. */
    dedupHighFreq: integer("dedup_high_freq", { mode: "boolean" }).notNull().default(false),
    dedupSampled: integer("dedup_sampled", { mode: "boolean" }).notNull().default(true),
    /** Last time labels, dedup tags or the exclusion changed after the row was recorded (the cron's watermark). */
    changedAt: integer("changed_at"),
  },
  (t) => [
    index("battles_voted_at_idx").on(t.votedAt),
    index("battles_recorded_id_idx").on(t.recordedAt, t.id),
    index("battles_prompt_idx").on(t.promptHash),
    index("battles_labels_rev_idx").on(t.labelsRev),
    index("battles_judge_rev_idx").on(t.judgeRev, t.judgeRequestedAt),
    index("battles_changed_idx").on(t.changedAt),
    index("battles_dedup_idx").on(t.dedupHighFreq),
    // Keyset pagination of the export in (voted_at, id) order: one index range read per page.
    index("battles_voted_id_idx").on(t.votedAt, t.id),
    index("battles_voter_idx").on(t.voterHash, t.votedAt),
    index("battles_models_idx").on(t.modelA, t.modelB),
    // With the index above, "model_a = ? OR model_b = ?" is two index lookups (a model's own battles: private
    // results in the cron).
    index("battles_model_b_idx").on(t.modelB),
  ],
);

/** Messages that could not be processed: recorded by the dead-letter consumer, never silently dropped. */
export const deadLetters = sqliteTable("dead_letters", {
  /** SHA-256 of the queue and the body, so a redelivered dead letter is one row. */
  id: text("id").primaryKey(),
  queue: text("queue").notNull(),
  reason: text("reason").notNull(),
  body: text("body").notNull(),
  attempts: integer("attempts").notNull(),
  receivedAt: integer("received_at").notNull(),
});

/** User reports on a battle (abuse, bad answer). Kept for moderators; not part of rating. */
export const reports = sqliteTable(
  "reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    battleId: text("battle_id").notNull(),
    reason: text("reason").notNull(),
    voterHash: text("voter_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("reports_battle_idx").on(t.battleId)],
);

/** Direct-chat feedback (up, down, flag). Stored, never rated. */
export const chatFeedback = sqliteTable(
  "chat_feedback",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    chatId: text("chat_id").notNull(),
    model: text("model").notNull(),
    kind: text("kind", { enum: ["up", "down", "flag"] }).notNull(),
    voterHash: text("voter_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("chat_feedback_chat_idx").on(t.chatId)],
);

/**
 * Per-model circuit breaker (DESIGN section 5). Kept apart from `models.status` so the breaker never overwrites an
 * operator's decision: a model is unavailable while `paused_until` is in the future.
 */
export const modelHealth = sqliteTable("model_health", {
  modelId: text("model_id").primaryKey(),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  pausedUntil: integer("paused_until"),
  lastError: text("last_error"),
  updatedAt: integer("updated_at").notNull(),
});

/** One published leaderboard (DESIGN section 6): the JSON and its frozen export live in R2, this row indexes them. */
export const leaderboardSnapshots = sqliteTable(
  "leaderboard_snapshots",
  {
    id: text("id").primaryKey(),
    generatedAt: integer("generated_at").notNull(),
    battles: integer("battles").notNull(),
    sha256: text("sha256").notNull(),
    snapshotKey: text("snapshot_key").notNull(),
    exportKey: text("export_key").notNull(),
    /** Strong validator for GET /leaderboard.json. */
    etag: text("etag").notNull(),
    /** What the snapshot was computed from (battle count, last recorded_at, public models): unchanged → no rerun. */
    sourceKey: text("source_key").notNull().default(""),
  },
  (t) => [index("leaderboard_snapshots_generated_idx").on(t.generatedAt)],
);

/** Per-model rows of every snapshot, for GET /api/leaderboard/history. */
export const leaderboardHistory = sqliteTable(
  "leaderboard_history",
  {
    snapshotId: text("snapshot_id").notNull(),
    category: text("category").notNull(),
    style: integer("style", { mode: "boolean" }).notNull(),
    model: text("model").notNull(),
    generatedAt: integer("generated_at").notNull(),
    rating: real("rating").notNull(),
    ciLow: real("ci_low"),
    ciHigh: real("ci_high"),
    rank: integer("rank").notNull(),
    votes: integer("votes").notNull(),
    /**
     * True when the ratings engine could not pin this rating down (outside the board's main strongly connected
     * component; held finite only by the ridge or the style penalty). Null on rows written before the flag existed.
     */
    provisional: integer("provisional", { mode: "boolean" }),
  },
  (t) => [
    primaryKey({ columns: [t.snapshotId, t.category, t.style, t.model] }),
    index("leaderboard_history_model_idx").on(t.model, t.category, t.style, t.generatedAt),
  ],
);

/** Provider accounts (DESIGN section 4b): created by the operator; each issues models and reads private results. */
export const providers = sqliteTable("providers", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  createdAt: integer("created_at").notNull(),
});

/**
 * Provider API keys. Only a salted SHA-256 of each key is stored (shared/accounts/keys.ts); `prefix` is the key's
 * public beginning (`ak_` + 12 hex), shown in listings and used to revoke it.
 */
export const providerApiKeys = sqliteTable(
  "provider_api_keys",
  {
    prefix: text("prefix").primaryKey(),
    providerId: text("provider_id").notNull(),
    salt: text("salt").notNull(),
    hash: text("hash").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("provider_api_keys_provider_idx").on(t.providerId)],
);

/**
 * The upstream API key a provider submitted for its model, AES-GCM encrypted under PROVIDER_KEYS_SECRET with the
 * model id as associated data (shared/accounts/upstream-keys.ts). Never returned by any route.
 */
export const modelUpstreamKeys = sqliteTable("model_upstream_keys", {
  modelId: text("model_id").primaryKey(),
  ciphertext: text("ciphertext").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Private results of a provider's model, one JSON document per (model, snapshot), written by the cron
 * (docs/provider-results.md; schema `arena-private-results/v1` in shared/accounts/results.ts).
 */
export const providerModelResults = sqliteTable(
  "provider_model_results",
  {
    modelId: text("model_id").notNull(),
    snapshotId: text("snapshot_id").notNull(),
    generatedAt: integer("generated_at").notNull(),
    document: text("document", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.snapshotId] }),
    index("provider_model_results_latest_idx").on(t.modelId, t.generatedAt),
  ],
);

/**
 * Every label of every battle, one row per (battle, label), each with the version of the classifier that produced it
 * (DESIGN section 8). The battle row's `categories` and `language` are derived from these rows. `value` null means
 * "no label" (the judge's answer was malformed or ambiguous, or the text was no longer available).
 */
export const battleLabels = sqliteTable(
  "battle_labels",
  {
    battleId: text("battle_id").notNull(),
    label: text("label").notNull(),
    version: integer("version").notNull(),
    value: integer("value", { mode: "boolean" }),
    /** Extra detail: the language code, the judge's score or criteria, "carried" when the text was gone. */
    detail: text("detail"),
    /** heuristic | judge */
    source: text("source").notNull(),
    labelledAt: integer("labelled_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.battleId, t.label] }), index("battle_labels_label_idx").on(t.label, t.version)],
);

/** LLM-judge answers by prompt hash, so a repeated prompt (or a re-delivered job) never calls the judge twice. */
export const labelCache = sqliteTable(
  "label_cache",
  {
    promptHash: text("prompt_hash").notNull(),
    label: text("label").notNull(),
    version: integer("version").notNull(),
    labeller: text("labeller").notNull(),
    value: integer("value", { mode: "boolean" }),
    detail: text("detail"),
    /** The judge's raw answer (first 2,000 characters), for audits of the parser. */
    output: text("output").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.promptHash, t.label, t.version, t.labeller] })],
);

/** Votes per voter per UTC day, for the daily vote cap (DESIGN section 4). Old days are pruned by maintenance. */
export const voterDailyVotes = sqliteTable(
  "voter_daily_votes",
  {
    voterHash: text("voter_hash").notNull(),
    day: text("day").notNull(),
    votes: integer("votes").notNull(),
  },
  (t) => [primaryKey({ columns: [t.voterHash, t.day] }), index("voter_daily_votes_day_idx").on(t.day)],
);

/** The anomalous-voter test's running state per voter (shared/data/cleaning/anomaly.ts). */
export const voterAnomaly = sqliteTable(
  "voter_anomaly",
  {
    voterHash: text("voter_hash").primaryKey(),
    votes: integer("votes").notNull(),
    /** Fisher's statistic so far: -2 Σ ln p. */
    fisher: real("fisher").notNull(),
    /** Index of the next checkpoint (1-based) and the vote count at which it falls. */
    checkpoint: integer("checkpoint").notNull(),
    nextAt: integer("next_at").notNull(),
    flaggedAt: integer("flagged_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("voter_anomaly_flagged_idx").on(t.flaggedAt)],
);

/** Small key/value state of the maintenance runner (cursors, last runs). */
export const maintenanceState = sqliteTable("maintenance_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Red Team players (DESIGN section 11). The bearer token is shown once at registration; only its salted SHA-256 is
 * stored, found by its public prefix. Handles are unique case-insensitively (`handle_key` is the lower-cased handle).
 */
export const redteamPlayers = sqliteTable(
  "redteam_players",
  {
    id: text("id").primaryKey(),
    handle: text("handle").notNull(),
    handleKey: text("handle_key").notNull(),
    tokenPrefix: text("token_prefix").notNull(),
    tokenSalt: text("token_salt").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("redteam_players_handle_uq").on(t.handleKey),
    uniqueIndex("redteam_players_prefix_uq").on(t.tokenPrefix),
  ],
);

/**
 * One row per finished Red Team game, written idempotently (primary key = the game id) by the batch worker from the
 * GameRoom's outbox. Ranked rows are the export (`id, tstamp, player, model, kind, target, outcome, turns, seconds`):
 * `target` is the target id (the ratings' unit); `target_text` what had to be written (the phrase, the credential or
 * the canary), public once the game is over.
 */
export const redteamGames = sqliteTable(
  "redteam_games",
  {
    id: text("id").primaryKey(),
    /** When the game ended (ms since the epoch). */
    tstamp: integer("tstamp").notNull(),
    startedAt: integer("started_at").notNull(),
    /** When the game's clock ran out (or would have): started_at + its length. */
    deadline: integer("deadline").notNull(),
    playerId: text("player_id"),
    ranked: integer("ranked", { mode: "boolean" }).notNull(),
    model: text("model").notNull(),
    kind: text("kind").notNull(),
    kindVersion: integer("kind_version").notNull(),
    target: text("target").notNull(),
    targetText: text("target_text").notNull(),
    outcome: text("outcome", { enum: ["win", "loss", "forfeit"] }).notNull(),
    turns: integer("turns").notNull(),
    /** Seconds of the game's clock used, from creation to the end. */
    seconds: real("seconds").notNull(),
    recordedAt: integer("recorded_at").notNull(),
    /** The player agreed to release the transcript (ranked games only are released, PII scrubbed). */
    consent: integer("consent", { mode: "boolean" }).notNull().default(false),
    /** R2 key of the retained transcript (`redteam/transcripts/<day>/<id>.json`), null when none was kept. */
    transcriptKey: text("transcript_key"),
  },
  (t) => [index("redteam_games_ranked_idx").on(t.ranked, t.tstamp), index("redteam_games_player_idx").on(t.playerId)],
);

/** The router's model pair (DESIGN section 12), set by the operator with PUT /api/admin/routing: one row, id 1. */
export const routingConfig = sqliteTable("routing_config", {
  id: integer("id").primaryKey(),
  strong: text("strong").notNull(),
  weak: text("weak").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * What the routers need of a battle's prompt, cached by prompt hash (the battles' `prompt_hash`) and embedder id, so
 * the cron reads a retained transcript once whatever retrains after it, and training never reads R2: the embedding
 * (int8, base64, times `scale`; shared/routing) and the prompt's routing category.
 */
export const promptEmbeddings = sqliteTable(
  "prompt_embeddings",
  {
    promptHash: text("prompt_hash").notNull(),
    embedder: text("embedder").notNull(),
    scale: real("scale").notNull(),
    vector: text("vector").notNull(),
    category: text("category").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.promptHash, t.embedder] })],
);

/**
 * How anonymous battles pick their pair (DESIGN section 14), set by the operator with PUT /api/admin/sampling: one
 * row, id 1; none = `weighted` (the models' sampling weights). `active`: the Chatbot Arena paper's rule with `floor`.
 */
export const samplingPolicy = sqliteTable("sampling_policy", {
  id: integer("id").primaryKey(),
  policy: text("policy", { enum: ["weighted", "active"] }).notNull(),
  floor: real("floor").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * LLM-judge evaluation jobs (DESIGN section 13, docs/judge.md "Service"). `owner` is a provider id, or null for the
 * operator's jobs (the published ones). `total` is fixed at creation: every answer and judgment the job will store.
 */
export const evalJobs = sqliteTable(
  "eval_jobs",
  {
    id: text("id").primaryKey(),
    owner: text("owner"),
    model: text("model").notNull(),
    suite: text("suite").notNull(),
    /** "demo" (the built-in deterministic judge) or a model id of the pool. */
    judge: text("judge").notNull(),
    /** Pairwise suites: the baseline whose shipped answers are compared; null for single grading. */
    baseline: text("baseline"),
    /** The first `questions` questions of the suite (the request's `limit`, or all). */
    questions: integer("questions").notNull(),
    total: integer("total").notNull(),
    status: text("status", { enum: ["queued", "running", "done", "failed"] })
      .notNull()
      .default("queued"),
    reason: text("reason"),
    /** The arena-eval/v1 result of this job alone, JSON. */
    result: text("result"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("eval_jobs_owner_idx").on(t.owner, t.createdAt), index("eval_jobs_suite_idx").on(t.suite, t.status)],
);

/**
 * One stored result of a job: an answer (`kind` "answer", slot 0) or a judgment (`kind` "judgment", slot = the
 * pairwise game 1–2 or the graded turn 1–n). The primary key makes every write idempotent: a redelivered message
 * finds its row and does nothing. Texts live in R2 under `text_key`; `value` is the verdict label or the grade.
 */
export const evalItems = sqliteTable(
  "eval_items",
  {
    jobId: text("job_id").notNull(),
    kind: text("kind", { enum: ["answer", "judgment"] }).notNull(),
    questionId: text("question_id").notNull(),
    slot: integer("slot").notNull(),
    status: text("status", { enum: ["done", "failed"] }).notNull(),
    value: text("value"),
    /** Answers: style counts [tokens, headers, list items, bold] as JSON, for the style-controlled score. */
    style: text("style"),
    textKey: text("text_key"),
    attempts: integer("attempts").notNull(),
    detail: text("detail"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.kind, t.questionId, t.slot] })],
);

/** The published result of each suite (`/evals/<suite>.json`): its R2 key and ETag, replaced on each publication. */
export const evalPublished = sqliteTable("eval_published", {
  suite: text("suite").primaryKey(),
  etag: text("etag").notNull(),
  key: text("key").notNull(),
  judge: text("judge").notNull(),
  models: integer("models").notNull(),
  publishedAt: integer("published_at").notNull(),
});

/**
 * One fanned-out leaderboard recompute (issue 17, workers/cron/recompute): planned by the cron, one queue message
 * per part (a board, or the change-over-time comparisons), published by whichever consumer finishes the last
 * part. `state`: running → publishing (the last part claimed the publication; abandonment no longer applies) →
 * published; or running → abandoned (a part did not finish in time: its objects are deleted, the previous
 * snapshot stays live). `plan` is the JSON the consumers need (keys, hash, watermark, options).
 */
export const recomputeJobs = sqliteTable(
  "recompute_jobs",
  {
    id: text("id").primaryKey(),
    state: text("state", { enum: ["running", "publishing", "published", "abandoned"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    partsTotal: integer("parts_total").notNull(),
    partsDone: integer("parts_done").notNull().default(0),
    plan: text("plan").notNull(),
    error: text("error"),
  },
  (t) => [index("recompute_jobs_state_idx").on(t.state, t.createdAt)],
);

/** The parts of a recompute that are done (their result is in R2 under the job's prefix); one row per part. */
export const recomputeParts = sqliteTable(
  "recompute_parts",
  {
    jobId: text("job_id").notNull(),
    part: text("part").notNull(),
    doneAt: integer("done_at").notNull(),
    /** CPU-bound work of the part, in milliseconds of wall time inside the consumer (the benchmark reads it). */
    ms: integer("ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.part] })],
);
