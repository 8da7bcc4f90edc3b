// The embedder the operator configured (EMBEDDINGS and friends in wrangler.toml, DESIGN section 12): the cron trains
// with it and the edge scores with it, so both embed a prompt the same way. The offline hashed embedder is the
// default and the fallback: a remote one that is configured but incomplete is logged and not used.
import { readConfig } from "../core/config";
import { log } from "../core/log";
import { hashedEmbedder, openAIEmbedder, workersAIEmbedder, type AiRunner, type Embedder } from "./embedding";

export function configuredEmbedder(env: Env): Embedder {
  const e = readConfig(env).embeddings;
  if (e.kind === "openai") {
    if (!e.baseUrl || !e.model) {
      log.error("routing.embeddings_misconfigured", { kind: e.kind, missing: !e.baseUrl ? "baseUrl" : "model" });
      return hashedEmbedder();
    }
    const secrets = env as unknown as Record<string, unknown>;
    const key = e.apiKeySecret ? secrets[e.apiKeySecret] : undefined;
    return openAIEmbedder({
      baseUrl: e.baseUrl,
      model: e.model,
      dim: e.dim,
      apiKey: typeof key === "string" ? key : undefined,
      fetch: (url, init) => fetch(url, init),
    });
  }
  if (e.kind === "workers-ai") {
    const ai = (env as unknown as { AI?: AiRunner }).AI;
    if (!ai || !e.model) {
      log.error("routing.embeddings_misconfigured", { kind: e.kind, missing: !ai ? "AI binding" : "model" });
      return hashedEmbedder();
    }
    return workersAIEmbedder(ai, e.model, e.dim);
  }
  return hashedEmbedder(e.dim);
}
