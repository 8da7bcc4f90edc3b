// Typed view of the Worker's string vars (wrangler.toml [vars]). Parsed once per call site; bad values fall back
// to the documented defaults so a typo in an operator's config never turns into a 500.
export interface ArenaConfig {
  maxPromptChars: number;
  maxTurns: number;
  defaultTemperature: number;
  defaultTopP: number;
  defaultMaxTokens: number;
  battleTtlMs: number;
  newModelBoost: number;
  newModelBoostDays: number;
  transcriptRetention: "consented" | "all" | "off";
  demoSpeedup: number;
  /** A provider must answer with response headers within this time. */
  providerConnectTimeoutMs: number;
  /** A provider stream that sends nothing for this long is cut. */
  providerIdleTimeoutMs: number;
  /** Consecutive provider failures that pause a model (circuit breaker), and for how long. */
  breakerFailures: number;
  breakerCooldownMs: number;
  /** RATE_LIMITS=off disables the per-IP limits and the vote cap (load tests). */
  rateLimits: boolean;
  /** Votes per voter per UTC day that count; later ones are accepted with counted:false, reason "vote_cap". 0 = no cap. */
  voteCapPerDay: number;
  /** Cloudflare Turnstile's siteverify endpoint (a var so tests can point it at a loopback fake). */
  turnstileVerifyUrl: string;
  /** The labeller for the LLM-judge categories: "demo" (built-in, offline), "off", or the id of a pool model. */
  labeller: string;
  /** Test and benchmark hook: the share of vote batches the consumer fails on purpose (0 in production). */
  queueFaultRate: number;
  /** Anomalous-voter test: family-wise false-positive rate per voter (shared/data/cleaning/anomaly.ts). */
  anomalyAlpha: number;
  /** Red Team: the length of a game in seconds for every kind, or null for each kind's own (`REDTEAM_SECONDS`). */
  redteamSeconds: number | null;
  /** Router (DESIGN section 12): the embedding source and its settings, and the cron's training bounds. */
  embeddings: {
    kind: "hashed" | "openai" | "workers-ai";
    baseUrl: string;
    model: string;
    dim: number;
    apiKeySecret: string;
  };
  routerMaxBattles: number;
  routerEmbedPerRun: number;
}

export const TURNSTILE_SITEVERIFY = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

type ConfigVars = Partial<Record<keyof Env, unknown>>;

function num(value: unknown, fallback: number, min = 0): number {
  const n = typeof value === "string" ? Number(value) : typeof value === "number" ? value : NaN;
  return Number.isFinite(n) && n >= min ? n : fallback;
}

function embeddingsKind(value: unknown): ArenaConfig["embeddings"]["kind"] {
  const v = String(value ?? "hashed").trim();
  return v === "openai" || v === "workers-ai" ? v : "hashed";
}

export function readConfig(env: ConfigVars): ArenaConfig {
  const retention = String(env.TRANSCRIPT_RETENTION ?? "consented");
  return {
    maxPromptChars: num(env.MAX_PROMPT_CHARS, 30_000, 1),
    maxTurns: num(env.MAX_TURNS, 50, 1),
    defaultTemperature: num(env.DEFAULT_TEMPERATURE, 0.7),
    defaultTopP: num(env.DEFAULT_TOP_P, 1.0),
    defaultMaxTokens: num(env.DEFAULT_MAX_TOKENS, 2_000, 1),
    battleTtlMs: num(env.BATTLE_TTL_SECONDS, 86_400, 1) * 1000,
    newModelBoost: num(env.NEW_MODEL_BOOST, 2, 1),
    newModelBoostDays: num(env.NEW_MODEL_BOOST_DAYS, 14),
    transcriptRetention: retention === "all" || retention === "off" ? retention : "consented",
    demoSpeedup: num(env.DEMO_SPEEDUP, 1, 0.001),
    providerConnectTimeoutMs: num(env.PROVIDER_CONNECT_TIMEOUT_MS, 30_000, 1),
    providerIdleTimeoutMs: num(env.PROVIDER_IDLE_TIMEOUT_MS, 60_000, 1),
    breakerFailures: num(env.BREAKER_FAILURES, 3, 1),
    breakerCooldownMs: num(env.BREAKER_COOLDOWN_SECONDS, 60, 0) * 1000,
    rateLimits: String(env.RATE_LIMITS ?? "on").toLowerCase() !== "off",
    voteCapPerDay: Math.floor(num(env.VOTE_CAP_PER_DAY, 300)),
    turnstileVerifyUrl: String(env.TURNSTILE_VERIFY_URL ?? "") || TURNSTILE_SITEVERIFY,
    labeller: String(env.LABELLER ?? "demo").trim() || "demo",
    queueFaultRate: Math.min(1, num(env.QUEUE_FAULT_RATE, 0)),
    anomalyAlpha: Math.min(0.5, num(env.ANOMALY_ALPHA, 0.01, 1e-9)),
    redteamSeconds: String(env.REDTEAM_SECONDS ?? "").trim() === "" ? null : num(env.REDTEAM_SECONDS, 60, 1),
    embeddings: {
      kind: embeddingsKind(env.EMBEDDINGS),
      baseUrl: String(env.EMBEDDINGS_BASE_URL ?? "").trim(),
      model: String(env.EMBEDDINGS_MODEL ?? "").trim(),
      dim: Math.floor(num(env.EMBEDDINGS_DIM, 256, 8)),
      apiKeySecret: String(env.EMBEDDINGS_API_KEY_SECRET ?? "").trim(),
    },
    routerMaxBattles: Math.floor(num(env.ROUTER_MAX_BATTLES, 20_000, 1)),
    routerEmbedPerRun: Math.floor(num(env.ROUTER_EMBED_PER_RUN, 200, 0)),
  };
}
