// The operator's pair-sampling policy (DESIGN section 14): weighted by default; `active` (the Chatbot Arena paper's
// rule with a floor) samples from the pair counts the cron publishes after each snapshot, records the shown pair's
// probability with the vote (so --ipw stays correct), and /api/transparency publishes the weights in force.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { waitRecorded } from "../accounts/helpers";
import { ADMIN, call, createBattle, expectError, post, seedDemoModels, sendMessage } from "../helpers";

const setPolicy = (body: unknown) =>
  call("/api/admin/sampling", { method: "PUT", headers: ADMIN, body: JSON.stringify(body) });

interface Report {
  samplingPolicy: {
    policy: string;
    floor: number;
    snapshot: string | null;
    pairs: { a: string; b: string; probability: number }[];
    privatePairsShare: number;
  };
}
const transparency = async () => (await (await call("/api/transparency")).json()) as Report;

async function playAndVote(n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await createBattle({ mode: "anonymous" });
    await sendMessage(id, `Question ${i}`);
    expect((await post(`/api/battles/${id}/vote`, { winner: i % 2 ? "a" : "b" })).status).toBe(200);
    ids.push(id);
  }
  for (const id of ids) await waitRecorded(id);
  return ids;
}

beforeAll(async () => {
  await seedDemoModels();
});

describe("the pair-sampling policy", () => {
  it("is weighted by default, and the weights are public", async () => {
    expect(await (await call("/api/admin/sampling", { headers: ADMIN })).json()).toMatchObject({
      policy: "weighted",
      updatedAt: null,
    });
    const { samplingPolicy } = await transparency();
    expect(samplingPolicy.policy).toBe("weighted");
    const total = samplingPolicy.pairs.reduce((s, p) => s + p.probability, 0) + samplingPolicy.privatePairsShare;
    expect(total).toBeCloseTo(1, 4);
    expect(samplingPolicy.pairs.length).toBe(10); // five public demo models that battle: C(5, 2)
  });

  it("validates the operator's choice", async () => {
    await expectError(await setPolicy({ policy: "greedy" }), 422, "invalid_request");
    await expectError(await setPolicy({ policy: "active", floor: 0 }), 422, "invalid_request");
    await expectError(await setPolicy({ policy: "active", extra: 1 }), 422, "invalid_request");
    expect((await call("/api/admin/sampling", { method: "PUT", body: "{}" })).status).toBe(401);
  });

  it("samples actively from the published counts and records the pair's probability", async () => {
    await playAndVote(6);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    const counts = (await (await env.STORE.get("sampling/pairs.json"))!.json()) as { pairs: { n: number }[] };
    expect(counts.pairs.reduce((s, p) => s + p.n, 0)).toBe(6);

    const saved = await setPolicy({ policy: "active", floor: 0.3 });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ policy: "active", floor: 0.3 });
    const { samplingPolicy } = await transparency();
    expect(samplingPolicy).toMatchObject({ policy: "active", floor: 0.3 });
    expect(samplingPolicy.snapshot).not.toBeNull();
    const probs = samplingPolicy.pairs.map((p) => p.probability);
    expect(probs.reduce((s, p) => s + p, 0) + samplingPolicy.privatePairsShare).toBeCloseTo(1, 4);
    // The floor: every pair keeps at least floor / pairs; pairs never shown get more than pairs shown often.
    for (const p of probs) expect(p).toBeGreaterThanOrEqual(0.3 / probs.length - 1e-9);
    expect(Math.max(...probs)).toBeGreaterThan(Math.min(...probs));

    const [id] = await playAndVote(1);
    const row = await env.DB.prepare("SELECT model_a, model_b, sampling_probability FROM battles WHERE id = ?")
      .bind(id)
      .first<{ model_a: string; model_b: string; sampling_probability: number }>();
    const shown = samplingPolicy.pairs.find(
      (p) => (p.a === row!.model_a && p.b === row!.model_b) || (p.a === row!.model_b && p.b === row!.model_a),
    )!;
    expect(row!.sampling_probability).toBeCloseTo(shown.probability, 5);
    await setPolicy({ policy: "weighted" });
  });
});
