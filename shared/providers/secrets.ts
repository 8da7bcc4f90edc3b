// Operators' models name a Worker secret (`apiKeySecret`); the key itself lives only in the Worker's env
// (`wrangler secret put`, or `.dev.vars` locally) and is read at call time. It never reaches D1, logs or errors.
// Providers' models (registered under /v1/provider) carry their own key, stored encrypted in D1 and decrypted at
// call time by the `resolveOwnedKey` their caller hands over (d1/providers.ts, shared/accounts/upstream-keys.ts).
import { UpstreamKeyError } from "../accounts/upstream-keys";
import type { GenerateRequest } from "./types";
import { ProviderError } from "./types";

/**
 * The model's API key, or null when the model names no secret (a local vLLM/Ollama/llama.cpp server).
 * With `required`, a model without a secret name is a configuration error too.
 */
export async function apiKeyFor(req: GenerateRequest, required = false): Promise<string | null> {
  const name = req.model.apiKeySecret;
  if (!name && req.model.ownerId && req.resolveOwnedKey) {
    try {
      const owned = await req.resolveOwnedKey();
      if (owned) return owned;
    } catch (err) {
      // Never the key: only what went wrong (missing master secret, undecryptable row).
      throw new ProviderError(
        "config",
        err instanceof UpstreamKeyError ? err.message : `model ${req.model.id}: key lookup failed`,
      );
    }
  }
  if (!name) {
    if (required) throw new ProviderError("config", `model ${req.model.id} needs apiKeySecret`);
    return null;
  }
  const value = (req.env as unknown as Record<string, unknown>)[name];
  // Only the secret's name goes into the message.
  if (typeof value !== "string" || value.length === 0) {
    throw new ProviderError("config", `secret ${name} is not set for model ${req.model.id}`);
  }
  return value;
}
