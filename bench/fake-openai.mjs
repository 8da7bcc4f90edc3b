// A fake OpenAI-compatible Chat Completions server on loopback with fixed pacing, for benchmarks and end-to-end
// tests. It streams the documented wire format: a role-only first chunk, content deltas, a finish chunk, a
// usage-only chunk and `data: [DONE]`. The upstream model name picks the behaviour:
//   "paced" (default): `tokens` deltas, the first after firstMs, then one every gapMs;
//   "fast": three deltas at once.
// It records every request it receives (method, path, headers, JSON body) in `requests`.
import { createServer } from "node:http";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function chunk(delta, finish = null) {
  return `data: ${JSON.stringify({
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 1,
    model: "fake",
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;
}

/** @param {{ tokens?: number, firstMs?: number, gapMs?: number, text?: (i: number) => string }} [options] */
export async function startFakeOpenAI(options = {}) {
  const { tokens = 40, firstMs = 50, gapMs = 20, text = (i) => ` tok${i}` } = options;
  const requests = [];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const part of req) raw += part;
    const body = raw ? JSON.parse(raw) : {};
    requests.push({ method: req.method, path: req.url, headers: req.headers, body });
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
    }
    const fast = body.model === "fast";
    const n = fast ? 3 : tokens;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk({ role: "assistant", content: "" }));
    for (let i = 0; i < n; i++) {
      if (!fast) await sleep(i === 0 ? firstMs : gapMs);
      res.write(chunk({ content: text(i) }));
    }
    res.write(chunk({}, "stop"));
    const usage = { prompt_tokens: 5, completion_tokens: n, total_tokens: n + 5 };
    res.write(
      `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", choices: [], usage })}\n\n`,
    );
    res.end("data: [DONE]\n\n");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
