// Recorded-shape vendor streams, byte for byte as each API documents them (not a test file itself).
// Provenance: written from the vendors' API reference pages —
// - OpenAI "Chat Completions / streaming" (chat.completion.chunk objects; a role-only first chunk; with
//   stream_options.include_usage a last chunk with `choices: []` and `usage`; then `data: [DONE]`);
// - Anthropic "Streaming Messages" (its basic streaming example: message_start, content_block_start, ping,
//   content_block_delta…, content_block_stop, message_delta with usage, message_stop; SSE `event:` + `data:`
//   lines; JSON with `": "` spacing as the API sends it);
// - Google "Gemini API / streamGenerateContent" with alt=sse (one GenerateContentResponse per `data:` line,
//   CRLF line endings, cumulative usageMetadata, finishReason on the last chunk, no terminator);
// - Cloudflare "Workers AI / text generation, streaming" (`data: {"response": …, "p": …}`, a usage event,
//   `data: [DONE]`).
// Every stream spells the same answer with a different split into deltas and with JSON escapes (\", \n,
// \u00ef, a surrogate pair) next to raw UTF-8.

/** The answer all four streams decode to. */
export const ANSWER = 'Hello! Here is a "naïve" answer:\n\n日本語 🙂 — done.';

const OPENAI_HEAD = String.raw`"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306"`;
const openaiDelta = (delta: string, finish = "null") =>
  `data: {${OPENAI_HEAD},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}],"usage":null}\n\n`;

export const OPENAI_STREAM =
  openaiDelta(String.raw`{"role":"assistant","content":"","refusal":null}`) +
  openaiDelta(String.raw`{"content":"Hello"}`) +
  openaiDelta(String.raw`{"content":"! Here is a \"na\u00efve\""}`) +
  openaiDelta(String.raw`{"content":" answer:\n\n日本"}`) +
  openaiDelta(String.raw`{"content":"語 🙂"}`) +
  openaiDelta(String.raw`{"content":" — done."}`) +
  openaiDelta("{}", '"stop"') +
  `data: {${OPENAI_HEAD},"choices":[],"usage":{"prompt_tokens":19,"completion_tokens":14,"total_tokens":33,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n` +
  "data: [DONE]\n\n";
export const OPENAI_USAGE = { inputTokens: 19, outputTokens: 14 };

/** The same stream as a proxy may serve it: CRLF line endings and keep-alive comments between events. */
export const OPENAI_STREAM_PROXIED = OPENAI_STREAM.split("\n\n")
  .filter(Boolean)
  .map((event) => `${event}\r\n\r\n: ping\r\n\r\n`)
  .join("")
  .replace(/^/, ": OPENROUTER PROCESSING\r\n\r\n");

const anthropicDelta = (text: string) =>
  `event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "${text}"}}\n\n`;

export const ANTHROPIC_STREAM =
  `event: message_start\ndata: {"type": "message_start", "message": {"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-5-20250929", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 1}}}\n\n` +
  `event: content_block_start\ndata: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}\n\n` +
  `event: ping\ndata: {"type": "ping"}\n\n` +
  anthropicDelta("Hello") +
  anthropicDelta(String.raw`! Here is a \"naïve\" answer:`) +
  anthropicDelta(String.raw`\n\n日本語 `) +
  `event: ping\ndata: {"type": "ping"}\n\n` +
  anthropicDelta("🙂 — done.") +
  `event: content_block_stop\ndata: {"type": "content_block_stop", "index": 0}\n\n` +
  `event: message_delta\ndata: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 15}}\n\n` +
  `event: message_stop\ndata: {"type": "message_stop"}\n\n`;
export const ANTHROPIC_USAGE = { inputTokens: 25, outputTokens: 15 };

const GEMINI_TAIL = String.raw`"modelVersion": "gemini-2.5-flash","responseId": "mOvKaKnqJdDvnsEPkuK4-QQ"`;
const geminiChunk = (text: string, extra: string, usage: string) =>
  `data: {"candidates": [{"content": {"parts": [{"text": "${text}"}],"role": "model"}${extra},"index": 0}],"usageMetadata": ${usage},${GEMINI_TAIL}}\r\n\r\n`;
const geminiPromptUsage = String.raw`{"promptTokenCount": 12,"totalTokenCount": 12,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 12}]}`;

export const GEMINI_STREAM =
  geminiChunk("Hello! Here is a", "", geminiPromptUsage) +
  geminiChunk(String.raw` \"naïve\" answer:\n\n日本語 \ud83d\ude42`, "", geminiPromptUsage) +
  geminiChunk(
    " — done.",
    `,"finishReason": "STOP"`,
    String.raw`{"promptTokenCount": 12,"candidatesTokenCount": 16,"totalTokenCount": 28,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 12}]}`,
  );
export const GEMINI_USAGE = { inputTokens: 12, outputTokens: 16 };

const WORKERS_AI_P = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456";
export const WORKERS_AI_STREAM =
  ["Hello", "!", " Here", " is", " a", String.raw` \"`, "na", "ïve", String.raw`\"`, " answer", String.raw`:\n\n`]
    .concat(["日本語", " 🙂", " —", " done", "."])
    .map((t) => `data: {"response":"${t}","p":"${WORKERS_AI_P.slice(0, 8 + t.length)}"}\n\n`)
    .join("") +
  `data: {"response":"","usage":{"prompt_tokens":24,"completion_tokens":16,"total_tokens":40}}\n\n` +
  "data: [DONE]\n\n";
export const WORKERS_AI_USAGE = { inputTokens: 24, outputTokens: 16 };
