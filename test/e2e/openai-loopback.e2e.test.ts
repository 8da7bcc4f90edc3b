// An operator points the arena at a plain-http OpenAI-compatible server on loopback (a local vLLM, Ollama or
// llama.cpp server) with PUT /api/admin/models/:id, and battles it at once, side by side and anonymously.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startFakeOpenAI } from "../../bench/fake-openai.mjs";
import seed from "../../d1/seed/models.json";
import { parseEvents } from "../../shared/battle/sse";

const base = inject("arenaUrl");
const token = inject("arenaAdminToken");
let server: Awaited<ReturnType<typeof startFakeOpenAI>>;

const admin = (id: string, body: unknown) =>
  fetch(`${base}/api/admin/models/${id}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const post = (p: string, body?: unknown) =>
  fetch(`${base}${p}`, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });

async function turn(id: string, content: string) {
  const res = await post(`/api/battles/${id}/messages`, { content });
  expect(res.status).toBe(200);
  const events = parseEvents(await res.text()) as { event: string; data: any }[];
  const text = (side: string) =>
    events
      .filter((e) => e.event === "token" && e.data.side === side)
      .map((e) => e.data.text)
      .join("");
  return { events, a: text("a"), b: text("b") };
}

const LOCAL = [
  { id: "local-llama", name: "Local Llamalike", upstreamModel: "paced" },
  { id: "local-qwen", name: "Local Qwenlike", upstreamModel: "paced" },
];
const expected = Array.from({ length: 8 }, (_, i) => ` word${i}`).join("");

beforeAll(async () => {
  server = await startFakeOpenAI({ tokens: 8, firstMs: 5, gapMs: 5, text: (i) => ` word${i}` });
  for (const m of LOCAL) {
    const res = await admin(m.id, {
      name: m.name,
      organization: "Loopback Lab",
      provider: "openai",
      baseUrl: `${server.url}/v1`,
      upstreamModel: m.upstreamModel,
    });
    expect(res.status).toBe(200);
  }
});

afterAll(async () => {
  for (const m of LOCAL)
    await admin(m.id, {
      name: m.name,
      organization: "Loopback Lab",
      provider: "openai",
      baseUrl: `${server.url}/v1`,
      upstreamModel: "paced",
      status: "deprecated",
    });
  await server?.close();
});

describe("a plain-http OpenAI-compatible server on loopback", () => {
  it("battles side by side right after it is registered", async () => {
    const created = (await (
      await post("/api/battles", { mode: "side-by-side", models: ["local-llama", "demo-pebble"] })
    ).json()) as any;
    expect(created.models.a.id).toBe("local-llama");
    const t = await turn(created.id, "Say something.");
    expect(t.a).toBe(expected);
    expect(t.b.length).toBeGreaterThan(0);
    expect(t.events.at(-1)).toMatchObject({ event: "done", data: { canVote: true } });
    // The server got an OpenAI Chat Completions request: streaming, the upstream model, the conversation.
    const request = server.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: "/v1/chat/completions" });
    expect(request.body).toMatchObject({
      model: "paced",
      stream: true,
      messages: [{ role: "user", content: "Say something." }],
    });
    expect(request.headers.authorization).toBeUndefined(); // no apiKeySecret: no key is sent
    expect((await post(`/api/battles/${created.id}/vote`, { winner: "a" })).status).toBe(200);
  });

  it("battles anonymously: with the demo models paused, the pair is the two local models", async () => {
    // Every other model that could be sampled is paused: the seed's, and any that other test files sharing this
    // `npm start` registered (restored afterwards to the status each had).
    const all = (await (
      await fetch(`${base}/api/admin/models`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { id: string; status: string; modes: string[]; health?: unknown }[];
    const others = all.filter((m) => !m.id.startsWith("local-") && m.status === "active" && m.modes.includes("battle"));
    const setStatus = (status: string | null) =>
      Promise.all(
        others.map(({ health: _health, ...m }) =>
          admin(m.id, { ...m, status: status ?? m.status }).then((r) => expect(r.status).toBe(200)),
        ),
      );
    expect(others.map((m) => m.id)).toEqual(expect.arrayContaining(seed.filter((m) => !m.modes).map((m) => m.id)));
    await setStatus("paused");
    try {
      const { id } = (await (await post("/api/battles", { mode: "anonymous" })).json()) as any;
      const t = await turn(id, "Hello, who wins?");
      expect(t.a).toBe(expected);
      expect(t.b).toBe(expected);
      const vote = (await (await post(`/api/battles/${id}/vote`, { winner: "tie" })).json()) as any;
      expect([vote.models.a.id, vote.models.b.id].sort()).toEqual(["local-llama", "local-qwen"]);
      expect(vote.counted).toBe(true);
    } finally {
      await setStatus(null);
    }
  });
});
