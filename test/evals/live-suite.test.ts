// arena-hard-live (DESIGN section 13, docs/judge.md "arena-hard-live"): consented battles played through the real
// vote path and labelled by the demo labeller (LABELLER=demo), the suite built by the operator route, two prompts per
// kept cluster and none repeating arena-hard-v0.1 or mt-bench, stored in R2, listed, and an eval job on it completing
// with the demo judge.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getBattleRow, db } from "../../d1/queries";
import { normalisePrompt } from "../../shared/judge/bench-builder";
import { loadSuite } from "../../shared/judge/suites";
import { ADMIN, call, createBattle, expectError, getBattle, post, seedDemoModels, sendMessage } from "../helpers";

const TOPICS: [string, string[]][] = [
  [
    "Design a PostgreSQL database schema for my team project that tracks {x}, and suggest how we should optimize the slow join queries with indexes; write the SQL code in numbered steps.",
    [
      "customer orders and invoices",
      "hospital patients and appointments",
      "library books and loans",
      "warehouse stock and shipments",
    ],
  ],
  [
    "My Kubernetes cluster keeps failing with a network error when {x}; explain how to fix it, suggest a design for the server configuration, and show the YAML code step by step.",
    [
      "pods talk to an external Redis cache",
      "the ingress routes gRPC traffic",
      "a CronJob pulls images from a private registry",
      "services resolve DNS across namespaces",
    ],
  ],
  [
    "Solve this probability problem for our business analytics team: {x}. Compute the exact probability, prove the formula, suggest a shortcut, and write Python code that checks it by simulation, in numbered steps.",
    [
      "three dice are rolled and the sum of the faces exceeds 12",
      "five cards are drawn and at least two are hearts",
      "a coin is flipped ten times and shows heads at least seven times",
      "two customers out of twenty share a birthday month",
    ],
  ],
  [
    "Implement a compiler pass in Rust for my project that {x}; design the algorithm, suggest how to optimize it, and show the code with its error handling in numbered steps.",
    [
      "folds constant arithmetic expressions",
      "eliminates dead code after return statements",
      "inlines small pure functions",
      "allocates registers by graph colouring",
    ],
  ],
];
const HARD = TOPICS.flatMap(([t, xs]) => xs.map((x) => t.replace("{x}", x)));
// Prompts of the static suites that the demo labeller labels hard: they must not reach the live suite.
const AH = loadSuite("arena-hard-v0.1")!.questions.find((q) => q.id === "e04ec588fe914cdda6025cb5870a518b")!.turns[0]!;
const MT = loadSuite("mt-bench")!.questions.find((q) => q.id === "138")!.turns[0]!;

async function play(prompt: string, consent: boolean): Promise<string> {
  const id = await createBattle({ mode: "anonymous", consent });
  await sendMessage(id, prompt);
  expect((await post(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(200);
  return id;
}

describe("arena-hard-live", () => {
  it("builds from consented hard prompts, two per kept cluster, none from the static suites, and an eval runs on it", async () => {
    await seedDemoModels();
    await expectError(await call("/api/suites/arena-hard-live-2000-01-01"), 404, "not_found");
    await expectError(
      await call("/api/admin/suites/arena-hard-live", {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      }),
      401,
    );

    const consented = [...HARD, HARD[0]!, AH, MT, "hi there!"];
    const ids: string[] = [];
    for (let i = 0; i < consented.length; i += 7)
      ids.push(...(await Promise.all(consented.slice(i, i + 7).map((p) => play(p, true)))));
    const privateHard = await play(HARD[5]!.replace("Kubernetes", "Nomad"), false);
    const d = db(env.DB);
    for (const id of [...ids, privateHard]) {
      await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 20_000 }).toBe(true);
      await expect.poll(async () => (await getBattleRow(d, id))?.judgeRev ?? null, { timeout: 20_000 }).not.toBe(null);
    }
    const cats = await Promise.all(ids.map(async (id) => (await getBattleRow(d, id))!.categories as string[]));
    // The demo labeller: every topic prompt and both static ones hard, the greeting not.
    expect(cats.slice(0, -1).every((c) => c.includes("hard_prompts"))).toBe(true);
    expect(cats.at(-1)).not.toContain("hard_prompts");

    const res = await call("/api/admin/suites/arena-hard-live", { method: "POST", headers: ADMIN, body: "{}" });
    expect(res.status, await res.clone().text()).toBe(201);
    const built = (await res.json()) as {
      suite: string;
      questions: number;
      url: string;
      provenance: { k: number; counts: Record<string, number>; clusters: { cluster: string; size: number }[] };
    };
    const date = new Date().toISOString().slice(0, 10);
    expect(built.suite).toBe(`arena-hard-live-${date}`);
    // 18 consented hard prompts, one repeated (one battle per prompt), two excluded as static-suite prompts.
    expect(built.provenance.counts).toMatchObject({ candidates: 18, excluded: 2, pool: 16 });
    expect(built.provenance.k).toBe(3);
    expect(built.questions).toBe(2 * built.provenance.counts.keptClusters!);
    expect(built.provenance.counts.keptClusters).toBeGreaterThan(0);

    const suite = (await (await call(built.url)).json()) as {
      kind: string;
      questions: { id: string; cluster: string; turns: string[] }[];
    };
    expect(suite.kind).toBe("single");
    const perCluster = new Map<string, number>();
    for (const q of suite.questions) perCluster.set(q.cluster, (perCluster.get(q.cluster) ?? 0) + 1);
    expect([...perCluster.values()].every((n) => n === 2)).toBe(true);
    const statics = new Set(
      ["arena-hard-v0.1", "mt-bench"].flatMap((n) =>
        loadSuite(n)!.questions.flatMap((q) => q.turns.map(normalisePrompt)),
      ),
    );
    for (const q of suite.questions) {
      expect(statics.has(normalisePrompt(q.turns[0]!))).toBe(false);
      expect(HARD).toContain(q.turns[0]);
    }
    expect(await env.STORE.head(`suites/${built.suite}.json`)).not.toBeNull();
    // The prompt cache is shared with the router: the embeddings the build made are cached.
    const cached = await env.DB.prepare("SELECT count(*) AS n FROM prompt_embeddings").first<{ n: number }>();
    expect(cached!.n).toBeGreaterThanOrEqual(16);
    // A dated suite is immutable: the route refuses, and so does the store's conditional put a racing build makes.
    const again = await env.STORE.put(`suites/${built.suite}.json`, "{}", { onlyIf: { etagDoesNotMatch: "*" } });
    expect(again).toBeNull();
    await expectError(
      await call("/api/admin/suites/arena-hard-live", { method: "POST", headers: ADMIN, body: "{}" }),
      409,
      "suite_exists",
    );
    const listed = (await (await call("/api/evals")).json()) as { suite: string; questions: number; kind: string }[];
    expect(listed.find((s) => s.suite === built.suite)).toMatchObject({ kind: "single", questions: built.questions });

    const job = await call("/api/admin/evals", {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ model: "demo-pebble", suite: built.suite }),
    });
    expect(job.status, await job.clone().text()).toBe(202);
    const { id } = (await job.json()) as { id: string };
    let last: { status: string; progress: { done: number; total: number; failed: number }; result: any } | undefined;
    await expect
      .poll(
        async () => {
          last = (await (await call(`/api/admin/evals/${id}`, { headers: ADMIN })).json()) as typeof last;
          return last!.status;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe("done");
    expect(last!.progress).toEqual({ done: 2 * built.questions, total: 2 * built.questions, failed: 0 });
    expect(last!.result).toMatchObject({ schema: "arena-eval/v1", suite: built.suite, judge: "demo" });
    expect(last!.result.models[0]).toMatchObject({ model: "demo-pebble", answers: built.questions });
    const published = await call(`/evals/${built.suite}.json`);
    expect(published.status).toBe(200);
    await expectError(
      await call("/api/admin/evals", {
        method: "POST",
        headers: ADMIN,
        body: JSON.stringify({ model: "demo-pebble", suite: "arena-hard-live-2000-01-01" }),
      }),
      422,
      "invalid_request",
    );
  });
});
