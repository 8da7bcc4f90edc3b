// Style control v2 through the real stack (DESIGN section 14): a battle whose answers carry emoji is voted over
// HTTP; the BattleRoom counts the emoji per side (shared/battle/style.ts countEmoji), the vote message carries them,
// the batch worker stores battles.emoji_count_a/b, and the cron's export has them in conv_metadata as
// emoji_count_a / emoji_count_b. A message from before emoji were counted still validates, gets null columns, and
// its export line has no emoji fields. The answers come from a fake OpenAI-compatible vendor (a fetch spy) on one
// side and a demo model on the other.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { VOTES_QUEUE } from "../../queues/names";
import { VoteMessage } from "../../queues/votes";
import { countEmoji } from "../../shared/battle/style";
import worker from "../../workers/index";
import { call, getBattle, post, putModel, readStream } from "../helpers";
import { R, read } from "../responses";

const HOST = "emoji-vendor.test";
const WORDS = ["Tides 🌊", " follow", " the moon 🌕", " 👍🏽", " 🇫🇷 👨‍👩‍👧‍👦 1️⃣", " (© not one)"];
const VENDOR_EMOJI = 6;

function vendorStream(): string {
  const c = (delta: object, finish: string | null = null) =>
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  return [
    c({ role: "assistant", content: "" }),
    ...WORDS.map((w) => c({ content: w })),
    c({}, "stop"),
    JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 9 } }),
    "[DONE]",
  ]
    .map((d) => `data: ${d}\n\n`)
    .join("");
}

beforeAll(async () => {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!new URL(request.url).hostname.endsWith(HOST)) return realFetch(input, init);
    return new Response(vendorStream(), { headers: { "content-type": "text/event-stream" } });
  });
  expect(
    (
      await putModel("emoji-vendor", {
        name: "Emoji Vendor",
        organization: "Sparkle Labs",
        provider: "openai",
        baseUrl: `https://api.${HOST}/v1`,
        upstreamModel: "sparkle-1",
        apiKeySecret: "VENDOR_TEST_KEY",
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await putModel("plain-demo", {
        name: "Plain Demo",
        organization: "Calm Demo Lab",
        provider: "demo",
        upstreamModel: "terse",
      })
    ).status,
  ).toBe(200);
});

async function exportLines(): Promise<Record<string, any>[]> {
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
  const res = await call("/api/export/battles.jsonl");
  expect(res.status).toBe(200);
  return (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("emoji counts: vote → D1 → export", () => {
  it("carries each side's emoji count from the answers to battles.emoji_count_a/b and the export", async () => {
    const { id } = await read(post("/api/battles", { mode: "anonymous" }), R.battleCreated);
    const turn = await readStream(await post(`/api/battles/${id}/messages`, { content: "Why are there tides?" }));
    expect((await post(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(200);
    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);

    const row = await env.DB.prepare("SELECT model_a, emoji_count_a, emoji_count_b FROM battles WHERE id = ?")
      .bind(id)
      .first<{ model_a: string; emoji_count_a: number | null; emoji_count_b: number | null }>();
    const vendorSide = row!.model_a === "emoji-vendor" ? "a" : "b";
    const demoSide = vendorSide === "a" ? "b" : "a";
    expect(turn.text[vendorSide]).toBe(WORDS.join(""));
    const expected = { a: 0, b: 0 };
    expected[vendorSide] = VENDOR_EMOJI;
    expected[demoSide] = countEmoji(turn.text[demoSide]);
    expect(row).toMatchObject({ emoji_count_a: expected.a, emoji_count_b: expected.b });

    const line = (await exportLines()).find((l) => l.id === id)!;
    expect(line.conv_metadata).toMatchObject({ emoji_count_a: expected.a, emoji_count_b: expected.b });
    // FastChat-style key order: the emoji counts follow bold_count_b, before turns.
    const keys = Object.keys(line.conv_metadata);
    expect(keys.slice(keys.indexOf("bold_count_b") + 1)).toEqual(["emoji_count_a", "emoji_count_b", "turns"]);

    // The cron keeps the default style features though the data has emoji, and says so in `method`.
    const board = (await (await call("/leaderboard.json")).json()) as { method: { styleControl?: unknown } };
    expect(board.method.styleControl).toEqual({ features: ["length", "header", "list", "bold"], l2: 0.5 });
  });

  it("keeps a message from before emoji were counted valid: null columns, no emoji fields in its export line", async () => {
    const now = Date.now();
    const side = (tokens: number) => ({
      tokens,
      header: { h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
      list: { ordered: 0, unordered: 0 },
      bold: { "**": 0, __: 0 },
    });
    const old = VoteMessage.parse({
      v: 1,
      battleId: crypto.randomUUID(),
      mode: "anonymous",
      modelA: "emoji-vendor",
      modelB: "plain-demo",
      winner: "b",
      voterHash: "4e".repeat(32),
      createdAt: now - 60_000,
      votedAt: now,
      turns: 1,
      userTokens: 5,
      style: { a: side(12), b: side(7) },
      language: null,
      excludedReason: null,
      samplingProbability: null,
      consent: false,
    });
    const batch = createMessageBatch(VOTES_QUEUE, [{ id: "old-1", timestamp: new Date(), attempts: 1, body: old }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["old-1"]);

    const row = await env.DB.prepare("SELECT emoji_count_a, emoji_count_b FROM battles WHERE id = ?")
      .bind(old.battleId)
      .first();
    expect(row).toEqual({ emoji_count_a: null, emoji_count_b: null });
    const line = (await exportLines()).find((l) => l.id === old.battleId)!;
    expect(line).toBeDefined();
    expect(line.conv_metadata).not.toHaveProperty("emoji_count_a");
    expect(line.conv_metadata).not.toHaveProperty("emoji_count_b");
  });

  it("rejects a negative or fractional emoji count in the message", () => {
    const side = {
      tokens: 1,
      header: { h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
      list: { ordered: 0, unordered: 0 },
      bold: { "**": 0, __: 0 },
    };
    const style = (emoji: number) => ({ a: { ...side, emoji }, b: { ...side, emoji: 0 } });
    const shape = VoteMessage.shape.style;
    expect(shape.safeParse(style(2)).success).toBe(true);
    expect(shape.safeParse(style(-1)).success).toBe(false);
    expect(shape.safeParse(style(1.5)).success).toBe(false);
  });
});
