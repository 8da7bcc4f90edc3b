// `workers-ai` kind: Cloudflare Workers AI through an optional `AI` binding. The binding is not in the default
// wrangler.toml (it needs a Cloudflare login even under `wrangler dev`); an operator adds `[ai] binding = "AI"`.
// With `stream: true`, run() returns SSE bytes: `data: {"response":"…"}` events, a usage event, `data: [DONE]`.
// Some newer models stream OpenAI-style chunks instead; both shapes are read.
import { z } from "zod";
import { connect, fail, newCall, parseData, sseEvents, streamError } from "./http";
import { ChatChunk, finishOf } from "./openai";
import type { FinishReason, GenerateRequest, Provider, ProviderEvent } from "./types";
import { ProviderError } from "./types";

/** The slice of the Ai binding we use; typed locally because the binding is optional. */
export interface AiBinding {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

const Chunk = ChatChunk.extend({ response: z.string().nullish() });

function aiBinding(env: Env): AiBinding | null {
  const ai = (env as unknown as { AI?: unknown }).AI;
  return typeof ai === "object" && ai !== null && typeof (ai as AiBinding).run === "function"
    ? (ai as AiBinding)
    : null;
}

export const workersAiProvider: Provider = {
  async *generate(req: GenerateRequest): AsyncIterable<ProviderEvent> {
    const ai = aiBinding(req.env);
    if (!ai) throw new ProviderError("config", 'workers-ai needs an AI binding ([ai] binding = "AI")');
    const call = newCall(req, "workers-ai", null);
    const inputs = {
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      max_tokens: req.params.maxTokens,
      temperature: req.params.temperature,
      top_p: req.params.topP,
    };
    // The binding throws plain errors ("AiError: 3040: Capacity temporarily exceeded", daily limits…).
    const out = await connect(call, () =>
      ai.run(req.model.upstreamModel, inputs).catch((err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        throw fail(
          call,
          /rate.?limit|too many requests|daily free allocation/i.test(text) ? "rate_limited" : "http",
          text,
        );
      }),
    );
    if (out === null) return;
    if (!(out instanceof ReadableStream)) throw fail(call, "malformed", "run() did not return a stream");
    let done = false;
    let reason: FinishReason | null = null;
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    for await (const ev of sseEvents(call, out as ReadableStream<Uint8Array>)) {
      if (ev.data.trim() === "[DONE]") {
        done = true;
        break;
      }
      const chunk = parseData(call, Chunk, ev.data);
      if (chunk.error != null) throw streamError(call, chunk.error);
      const choice = chunk.choices?.[0];
      const text = chunk.response ?? choice?.delta?.content;
      if (text) yield { type: "text", text };
      if (choice?.finish_reason) reason = finishOf(choice.finish_reason);
      inputTokens = chunk.usage?.prompt_tokens ?? inputTokens;
      outputTokens = chunk.usage?.completion_tokens ?? outputTokens;
    }
    if (req.signal.aborted) return;
    if (!done && !reason) throw fail(call, "cut", "stream ended before [DONE]");
    // The native format reports no finish reason: a reply that used the whole budget was cut by max_tokens.
    if (!reason) reason = outputTokens !== undefined && outputTokens >= req.params.maxTokens ? "length" : "stop";
    yield { type: "finish", reason, usage: { inputTokens, outputTokens } };
  },
};
