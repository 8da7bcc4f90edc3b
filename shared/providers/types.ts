// The provider interface: every model kind (demo, OpenAI-compatible, Anthropic, Gemini, …) streams through it.
// The BattleRoom DO only ever sees ProviderEvents, so a new kind slots in without touching the battle loop.
import type { ModelRecord } from "../models";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface GenerationParams {
  temperature: number;
  topP: number;
  maxTokens: number;
}

export type FinishReason = "stop" | "length";

export type ProviderEvent =
  | { type: "text"; text: string }
  | { type: "finish"; reason: FinishReason; usage?: { inputTokens?: number; outputTokens?: number } };

export interface GenerateRequest {
  model: ModelRecord;
  messages: ChatMessage[];
  params: GenerationParams;
  /** Aborted when the user presses Stop or the battle's watchdog gives up. */
  signal: AbortSignal;
  /** 0 for the first answer of a turn, +1 per regenerate; lets deterministic providers vary their answer. */
  attempt: number;
  /** Worker env: providers read secrets by name from it. */
  env: Env;
  /**
   * The decrypted upstream key of a provider-registered model (`model.ownerId`), or null when it has none; filled in
   * by the caller (d1/providers.ts ownedModelApiKey), so adapters never read D1. Absent: the model has no own key.
   */
  resolveOwnedKey?: () => Promise<string | null>;
}

export interface Provider {
  generate(req: GenerateRequest): AsyncIterable<ProviderEvent>;
}

/**
 * A provider failure. `message` is for logs only and may name the vendor; what reaches a client is always the
 * neutral text built by the battle loop ("Model A failed to respond").
 */
export class ProviderError extends Error {
  constructor(
    readonly code: "timeout" | "http" | "rate_limited" | "malformed" | "cut" | "config",
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/** Per-model parameter overrides (model.params) on top of the arena defaults and the request's own values. */
export function effectiveParams(
  model: ModelRecord,
  defaults: GenerationParams,
  requested: Partial<GenerationParams> = {},
): GenerationParams {
  const p = model.params;
  const pick = (key: keyof GenerationParams) => {
    const fromModel = p[key];
    return requested[key] ?? (typeof fromModel === "number" ? fromModel : defaults[key]);
  };
  return { temperature: pick("temperature"), topP: pick("topP"), maxTokens: pick("maxTokens") };
}
