// The embedders: the offline hashed one's properties, the OpenAI-compatible and Workers AI adapters with injected
// transports, the prompt cache, and the int8 store the similarity routers keep.
import { describe, expect, it } from "vitest";
import {
  cosine,
  embedAll,
  fromBase64,
  hashedEmbedder,
  hashedEmbedding,
  openAIEmbedder,
  openEmbeddings,
  quantise,
  similarities,
  toBase64,
  workersAIEmbedder,
  type Embedder,
  type FetchLike,
} from "../../shared/routing/index";

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe("hashed embedder", () => {
  const e = hashedEmbedder();
  it("has a stable id and dimension", () => {
    expect(e.id).toBe("hashed-ngram-v1-256");
    expect(e.dim).toBe(256);
    expect(hashedEmbedder(64).id).toBe("hashed-ngram-v1-64");
    expect(() => hashedEmbedder(3)).toThrow(/dim/);
  });
  it("is deterministic and L2-normalised", async () => {
    const [a, b] = await e.embed([
      "Write a Python function that sorts a list",
      "Write a Python function that sorts a list",
    ]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(norm(a!)).toBeCloseTo(1, 5);
    expect(hashedEmbedding("hello world")).toEqual(hashedEmbedding("  Hello   WORLD "));
  });
  it("maps empty text to the zero vector", () => {
    expect(norm(hashedEmbedding(""))).toBe(0);
    expect(cosine(hashedEmbedding(""), hashedEmbedding("x"))).toBe(0);
  });
  it("puts similar texts closer than unrelated ones", () => {
    const code1 = hashedEmbedding("Write a Python function that parses a JSON array");
    const code2 = hashedEmbedding("Write a Python function that sorts a JSON array quickly");
    const hi = hashedEmbedding("hello friend, how are you today?");
    const poem = hashedEmbedding("Compose a poem about the autumn forest");
    expect(cosine(code1, code2)).toBeGreaterThan(0.5);
    expect(cosine(code1, code2)).toBeGreaterThan(cosine(code1, hi) + 0.3);
    expect(cosine(code1, code2)).toBeGreaterThan(cosine(code1, poem) + 0.3);
  });
  it("reads at most the first 4000 characters", () => {
    const base = "a b c ".repeat(1000);
    expect(hashedEmbedding(base + "tail words here")).toEqual(hashedEmbedding(base + "other ending"));
  });
});

describe("OpenAI-compatible embedder", () => {
  it("posts to /v1/embeddings with the key, in batches, and normalises the answers", async () => {
    const calls: { url: string; body: { model: string; input: string[] }; auth?: string }[] = [];
    const fetch: FetchLike = async (url, init) => {
      const body = JSON.parse(init.body) as { model: string; input: string[] };
      calls.push({ url, body, auth: init.headers.authorization });
      // Out of order on purpose: the adapter sorts by index.
      const data = body.input.map((t, index) => ({ index, embedding: [t.length, 0, 0] })).reverse();
      return { ok: true, status: 200, json: async () => ({ data }), text: async () => "" };
    };
    const e = openAIEmbedder({ baseUrl: "http://emb.test/", model: "m1", apiKey: "k", dim: 3, fetch, batchSize: 2 });
    expect(e.id).toBe("openai:m1");
    const out = await e.embed(["a", "bb", "ccc"]);
    expect(calls.map((c) => c.url)).toEqual(["http://emb.test/v1/embeddings", "http://emb.test/v1/embeddings"]);
    expect(calls[0]!.auth).toBe("Bearer k");
    expect(calls.map((c) => c.body.input)).toEqual([["a", "bb"], ["ccc"]]);
    expect(out.map((v) => Array.from(v))).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });
  it("reports HTTP errors and wrong dimensions", async () => {
    const failing: FetchLike = async () => ({
      ok: false,
      status: 401,
      json: async () => ({}),
      text: async () => "no key",
    });
    await expect(
      openAIEmbedder({ baseUrl: "http://x/v1", model: "m", dim: 3, fetch: failing }).embed(["a"]),
    ).rejects.toThrow(/HTTP 401/);
    const wrong: FetchLike = async () => ({
      ok: true,
      status: 200,
      json: async () => ({ data: [{ index: 0, embedding: [1, 2] }] }),
      text: async () => "",
    });
    await expect(
      openAIEmbedder({ baseUrl: "http://x", model: "m", dim: 3, fetch: wrong }).embed(["a"]),
    ).rejects.toThrow(/3 finite numbers/);
  });
});

describe("Workers AI embedder", () => {
  it("calls run(model, {text}) and normalises", async () => {
    const seen: unknown[] = [];
    const ai = {
      run: async (model: string, input: { text: string[] }) => {
        seen.push([model, input]);
        return { shape: [input.text.length, 2], data: input.text.map(() => [3, 4]) };
      },
    };
    const e = workersAIEmbedder(ai, "@cf/baai/bge-small-en-v1.5", 2);
    expect(e.id).toBe("workers-ai:@cf/baai/bge-small-en-v1.5");
    const [v] = await e.embed(["hi"]);
    expect(Array.from(v!).map((x) => Number(x.toFixed(6)))).toEqual([0.6, 0.8]);
    expect(seen).toEqual([["@cf/baai/bge-small-en-v1.5", { text: ["hi"] }]]);
  });
});

describe("embedAll", () => {
  it("embeds each distinct text once and fills the cache", async () => {
    let count = 0;
    const inner = hashedEmbedder(32);
    const e: Embedder = { ...inner, embed: async (t) => ((count += t.length), inner.embed(t)) };
    const cache = new Map<string, Float32Array>();
    const out = await embedAll(e, ["a", "b", "a"], cache);
    expect(count).toBe(2);
    expect(out[0]).toBe(out[2]);
    await embedAll(e, ["b", "c"], cache);
    expect(count).toBe(3);
  });
});

describe("int8 store", () => {
  it("base64 round-trips every length", () => {
    for (let n = 0; n < 9; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
      expect(Array.from(fromBase64(toBase64(bytes)))).toEqual(Array.from(bytes));
    }
  });
  it("keeps cosine similarities within 0.01", () => {
    const texts = ["sort a list in python", "sort an array in rust", "hello there", "a poem about rivers"];
    const vs = texts.map((t) => hashedEmbedding(t));
    const index = openEmbeddings(JSON.parse(JSON.stringify(quantise(vs, 256))));
    for (const v of vs) {
      const sims = similarities(index, v);
      vs.forEach((w, j) => expect(Math.abs(sims[j]! - cosine(v, w))).toBeLessThan(0.01));
    }
  });
});
