// `gemini` kind: Google's Gemini API, models/{model}:streamGenerateContent?alt=sse. baseUrl is the host root.
// Each SSE event is a whole GenerateContentResponse; the stream just ends (no [DONE]) after a chunk carrying
// finishReason and the final usageMetadata.
import { z } from "zod";
import { fail, joinUrl, newCall, parseData, postSse, streamError } from "./http";
import { splitConversation } from "./messages";
import { apiKeyFor } from "./secrets";
import type { FinishReason, GenerateRequest, Provider, ProviderEvent } from "./types";

const Chunk = z.object({
  candidates: z
    .array(
      z.object({
        content: z
          .object({
            parts: z.array(z.object({ text: z.string().nullish(), thought: z.boolean().nullish() })).nullish(),
          })
          .nullish(),
        finishReason: z.string().nullish(),
      }),
    )
    .nullish(),
  promptFeedback: z.object({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: z
    .object({ promptTokenCount: z.number().nullish(), candidatesTokenCount: z.number().nullish() })
    .nullish(),
  error: z.unknown().optional(),
});

/** Google's RetryInfo ("retryDelay": "27s") from a 429 body or error object, in whole seconds. */
export function googleRetryDelay(source: unknown): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(
    typeof source === "string" ? source : JSON.stringify(source),
  );
  return match ? Math.ceil(Number(match[1])) : undefined;
}

export const geminiProvider: Provider = {
  async *generate(req: GenerateRequest): AsyncIterable<ProviderEvent> {
    const key = (await apiKeyFor(req, true))!;
    const call = newCall(req, "gemini", key);
    const model = encodeURIComponent(req.model.upstreamModel.replace(/^models\//, ""));
    const url = joinUrl(
      req.model.baseUrl,
      "https://generativelanguage.googleapis.com",
      `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
    );
    const { system, turns } = splitConversation(req.messages);
    const body = {
      contents: turns.map((t) => ({ role: t.role === "assistant" ? "model" : "user", parts: [{ text: t.content }] })),
      ...(system !== null ? { systemInstruction: { parts: [{ text: system }] } } : {}),
      generationConfig: {
        temperature: req.params.temperature,
        topP: req.params.topP,
        maxOutputTokens: req.params.maxTokens,
      },
    };
    let finish: string | null = null;
    let sawText = false;
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    for await (const ev of postSse(call, url, { "x-goog-api-key": key }, body, googleRetryDelay)) {
      const chunk = parseData(call, Chunk, ev.data);
      if (chunk.error != null) throw streamError(call, chunk.error, googleRetryDelay(chunk.error));
      const blocked = chunk.promptFeedback?.blockReason;
      if (blocked) throw fail(call, "http", `prompt blocked: ${blocked}`);
      const candidate = chunk.candidates?.[0];
      // Thought summaries (only sent when asked for) are not part of the answer.
      const text = (candidate?.content?.parts ?? [])
        .filter((p) => !p.thought)
        .map((p) => p.text ?? "")
        .join("");
      if (text) {
        sawText = true;
        yield { type: "text", text };
      }
      if (candidate?.finishReason && candidate.finishReason !== "FINISH_REASON_UNSPECIFIED") {
        finish = candidate.finishReason;
      }
      // usageMetadata is cumulative; the last one wins.
      inputTokens = chunk.usageMetadata?.promptTokenCount ?? inputTokens;
      outputTokens = chunk.usageMetadata?.candidatesTokenCount ?? outputTokens;
    }
    if (req.signal.aborted) return;
    if (finish === null) throw fail(call, "cut", "stream ended without a finishReason");
    // SAFETY, RECITATION, PROHIBITED_CONTENT, OTHER…: keep what was shown; with nothing shown there is no answer
    // to vote on, so the side fails (and the battle is excluded) rather than ending with an empty "stop".
    if (finish !== "STOP" && finish !== "MAX_TOKENS" && !sawText) {
      throw fail(call, "http", `generation blocked: ${finish}`);
    }
    const reason: FinishReason = finish === "MAX_TOKENS" ? "length" : "stop";
    yield { type: "finish", reason, usage: { inputTokens, outputTokens } };
  },
};
