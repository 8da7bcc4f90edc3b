// The circuit breaker's one report (DESIGN section 5): every generation that ends, in a battle or through the
// OpenAI-compatible API, tells the breaker whether its model answered. Best effort: it never throws, because a D1
// hiccup must not disturb the battle or the response; a failure to report is logged.
import { readConfig } from "../shared/core/config";
import { errorText, log } from "../shared/core/log";
import { ProviderError } from "../shared/providers";
import { db, recordModelFailure, recordModelSuccess } from "./queries";

/** `failure` undefined: the model answered (its failure streak ends); else what went wrong. */
export async function reportModelHealth(env: Env, modelId: string, failure: unknown): Promise<void> {
  try {
    const d = db(env.DB);
    const now = Date.now();
    if (failure === undefined) return await recordModelSuccess(d, modelId, now);
    const config = readConfig(env);
    await recordModelFailure(
      d,
      modelId,
      failure instanceof ProviderError ? failure.code : "internal",
      now,
      { failures: config.breakerFailures, cooldownMs: config.breakerCooldownMs },
      failure instanceof ProviderError ? (failure.retryAfterSeconds ?? 0) * 1000 : 0,
    );
  } catch (err) {
    log.error("breaker.report_failed", { model: modelId, err: errorText(err) });
  }
}
