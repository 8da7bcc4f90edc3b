// `anthropic` kind: the Messages API with `stream: true`. baseUrl is the host root (we append /v1/messages).
// Stream: message_start, content_block_start/delta/stop per block, ping, message_delta (stop_reason, usage),
// message_stop; an `error` event may arrive mid-stream (e.g. overloaded_error).
import { z } from "zod";
import { fail, joinUrl, newCall, parseData, postSse, streamError } from "./http";
import { splitConversation } from "./messages";
import { apiKeyFor } from "./secrets";
import type { FinishReason, GenerateRequest, Provider, ProviderEvent } from "./types";

export const ANTHROPIC_VERSION = "2023-06-01";

const Usage = z.object({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() }).nullish();

const StreamEvent = z.object({
  type: z.string(),
  message: z.object({ usage: Usage }).nullish(),
  content_block: z.object({ type: z.string(), text: z.string().nullish() }).nullish(),
  delta: z
    .object({ type: z.string().nullish(), text: z.string().nullish(), stop_reason: z.string().nullish() })
    .nullish(),
  usage: Usage,
  error: z.unknown().optional(),
});

export const anthropicProvider: Provider = {
  async *generate(req: GenerateRequest): AsyncIterable<ProviderEvent> {
    const key = (await apiKeyFor(req, true))!;
    const call = newCall(req, "anthropic", key);
    const url = joinUrl(req.model.baseUrl, "https://api.anthropic.com", "/v1/messages");
    const { system, turns } = splitConversation(req.messages);
    const body = {
      model: req.model.upstreamModel,
      max_tokens: req.params.maxTokens,
      messages: turns,
      ...(system !== null ? { system } : {}),
      stream: true,
      temperature: req.params.temperature,
      // top_p = 1 is the identity; recent Claude models reject temperature and top_p together, so we only send
      // it when it actually changes sampling.
      ...(req.params.topP < 1 ? { top_p: req.params.topP } : {}),
    };
    const headers = { "x-api-key": key, "anthropic-version": ANTHROPIC_VERSION };
    let stopped = false;
    let reason: FinishReason = "stop";
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    for await (const ev of postSse(call, url, headers, body)) {
      const event = parseData(call, StreamEvent, ev.data);
      switch (event.type) {
        case "message_start":
          inputTokens = event.message?.usage?.input_tokens ?? inputTokens;
          outputTokens = event.message?.usage?.output_tokens ?? outputTokens;
          break;
        case "content_block_start":
          if (event.content_block?.type === "text" && event.content_block.text) {
            yield { type: "text", text: event.content_block.text };
          }
          break;
        case "content_block_delta":
          // thinking_delta, signature_delta and input_json_delta are not part of the visible answer.
          if (event.delta?.type === "text_delta" && event.delta.text) yield { type: "text", text: event.delta.text };
          break;
        case "message_delta":
          if (event.delta?.stop_reason) reason = event.delta.stop_reason === "max_tokens" ? "length" : "stop";
          // message_delta usage is cumulative.
          outputTokens = event.usage?.output_tokens ?? outputTokens;
          inputTokens = event.usage?.input_tokens ?? inputTokens;
          break;
        case "message_stop":
          stopped = true;
          break;
        case "error":
          throw streamError(call, event.error);
        default:
        // ping, content_block_stop, and event types added later (Anthropic's versioning policy): ignored.
      }
      if (stopped) break;
    }
    if (req.signal.aborted) return;
    if (!stopped) throw fail(call, "cut", "stream ended before message_stop");
    yield { type: "finish", reason, usage: { inputTokens, outputTokens } };
  },
};
