// `openai` kind: any OpenAI-compatible Chat Completions endpoint (OpenAI, OpenRouter, Together, Groq, DeepSeek,
// Mistral, vLLM, Ollama, llama.cpp server…). baseUrl includes `/v1` (the SDK convention, DESIGN section 5).
import { z } from "zod";
import { fail, joinUrl, newCall, parseData, postSse, streamError } from "./http";
import { apiKeyFor } from "./secrets";
import type { FinishReason, GenerateRequest, Provider, ProviderEvent } from "./types";

/** A chat.completion.chunk, loosely: vLLM sends `choices: null` on the usage chunk, content may be null. */
export const ChatChunk = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
  error: z.unknown().optional(),
});
export type ChatChunk = z.infer<typeof ChatChunk>;

export const finishOf = (reason: string): FinishReason => (reason === "length" ? "length" : "stop");

export const openaiProvider: Provider = {
  async *generate(req: GenerateRequest): AsyncIterable<ProviderEvent> {
    const key = await apiKeyFor(req);
    const call = newCall(req, "openai", key);
    const url = joinUrl(req.model.baseUrl, "https://api.openai.com/v1", "/chat/completions");
    const body = {
      model: req.model.upstreamModel,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
      temperature: req.params.temperature,
      top_p: req.params.topP,
      max_tokens: req.params.maxTokens,
    };
    let done = false;
    let reason: FinishReason | null = null;
    let usage: { inputTokens?: number; outputTokens?: number } | undefined;
    for await (const ev of postSse(call, url, key ? { authorization: `Bearer ${key}` } : {}, body)) {
      if (ev.data.trim() === "[DONE]") {
        done = true;
        break;
      }
      const chunk = parseData(call, ChatChunk, ev.data);
      if (chunk.error != null) throw streamError(call, chunk.error);
      const choice = chunk.choices?.[0];
      const text = choice?.delta?.content;
      if (text) yield { type: "text", text };
      if (choice?.finish_reason) reason = finishOf(choice.finish_reason);
      if (chunk.usage) {
        usage = {
          inputTokens: chunk.usage.prompt_tokens ?? undefined,
          outputTokens: chunk.usage.completion_tokens ?? undefined,
        };
      }
    }
    if (req.signal.aborted) return;
    // Servers that omit [DONE] still end cleanly after a finish_reason; neither means the answer was cut.
    if (!done && !reason) throw fail(call, "cut", "stream ended before finish_reason or [DONE]");
    yield { type: "finish", reason: reason ?? "stop", usage };
  },
};
