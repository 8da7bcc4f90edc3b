// Abuse resistance at the edge and in the vote path (DESIGN sections 4 and 9): Turnstile verification against a fake
// siteverify server on loopback (test/setup/loopback.ts), the per-voter daily vote cap (accepted, counted:false,
// reason "vote_cap", stored excluded and counted), RATE_LIMITS=off, and the per-IP limits under concurrent load.
// Variants of the Worker's configuration are exercised by calling the Worker's fetch handler with a changed env.
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { countVoterVote, db, excludedCounts, getBattleRow } from "../../d1/queries";
import { overVoteCap } from "../../durable-objects/vote-cap";
import { utcDay } from "../../shared/core/time";
import { voterHash } from "../../workers/edge/voter";
import worker from "../../workers/index";
import { BASE, call, expectError, getBattle, seedDemoModels, sendMessage } from "../helpers";
import { R, read } from "../responses";

/** The test env with some vars changed. Defined, not assigned: assigning through the env proxy would change it. */
const withEnv = (vars: Record<string, string>) =>
  Object.create(
    env,
    Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { value, enumerable: true }])),
  ) as Env;

function fetchWith(e: Env, path: string, body: unknown, ip: string) {
  return worker.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": ip },
      body: JSON.stringify(body),
    }),
    e,
    { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext,
  );
}

async function recorded(path: string): Promise<{ path: string; body: Record<string, unknown> }[]> {
  return (await fetch(`${inject("loopbackUrl")}/requests?path=${encodeURIComponent(path)}`)).json();
}

describe("Turnstile", () => {
  const turnstile = () =>
    withEnv({
      TURNSTILE_SECRET_KEY: "test-turnstile-secret",
      TURNSTILE_VERIFY_URL: `${inject("loopbackUrl")}/turnstile/v0/siteverify`,
    });

  it("guards battle creation and votes when the secret is set, against the siteverify server", async () => {
    await seedDemoModels();
    const e = turnstile();
    const ip = "203.0.113.61";
    await expectError(
      await fetchWith(e, "/api/battles", { mode: "anonymous" }, "203.0.113.62"),
      403,
      "turnstile_required",
    );
    await expectError(
      await fetchWith(e, "/api/battles", { mode: "anonymous", turnstileToken: "bad-token" }, "203.0.113.63"),
      403,
      "turnstile_failed",
    );
    const down = await fetchWith(e, "/api/battles", { mode: "anonymous", turnstileToken: "down" }, "203.0.113.64");
    expect(down.headers.get("retry-after")).toBe("5");
    await expectError(down, 503, "turnstile_unavailable");
    const created = await fetchWith(e, "/api/battles", { mode: "anonymous", turnstileToken: "pass-create" }, ip);
    expect(created.status).toBe(201);
    const { id } = await read(created, R.battleCreated);
    await sendMessage(id, "Name three rivers in Europe.");
    await expectError(await fetchWith(e, `/api/battles/${id}/vote`, { winner: "a" }, ip), 403, "turnstile_required");
    await expectError(
      await fetchWith(e, `/api/battles/${id}/vote`, { winner: "a", turnstileToken: "expired" }, ip),
      403,
      "turnstile_failed",
    );
    // A refused vote leaves the battle open; a verified one is accepted.
    const voted = await fetchWith(
      e,
      `/api/battles/${id}/vote`,
      { winner: "a", turnstileToken: "pass-vote" },
      "203.0.113.65",
    );
    expect(voted.status).toBe(200);

    const seen = await recorded("/turnstile");
    const byToken = new Map(seen.map((r) => [r.body.response, r.body] as const));
    expect(byToken.get("pass-create")).toMatchObject({ secret: "test-turnstile-secret", remoteip: ip });
    expect(byToken.get("pass-vote")).toMatchObject({ secret: "test-turnstile-secret", remoteip: "203.0.113.65" });
    expect(typeof byToken.get("pass-vote")!.idempotency_key).toBe("string");
    expect(byToken.has(undefined)).toBe(false); // a missing token never reaches siteverify
  });

  it("is off without the secret: the token field is accepted and ignored", async () => {
    const res = await call("/api/battles", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "anonymous", turnstileToken: "anything" }),
    });
    expect(res.status).toBe(201);
  });
});

describe("daily vote cap", () => {
  it("accepts a vote over the cap with counted:false, reason vote_cap, stored excluded and counted", async () => {
    await seedDemoModels();
    const ip = "203.0.113.77";
    const hash = await voterHash(ip, env.VOTER_HASH_SALT);
    const d = db(env.DB);
    // The voter has already cast the day's 299 counted votes.
    for (let i = 0; i < 299; i++) await countVoterVote(d, hash, utcDay(Date.now()));
    const vote = async () => {
      const created = await fetchWith(
        env,
        "/api/battles",
        { mode: "anonymous" },
        `198.51.100.${200 + Math.floor(Math.random() * 50)}`,
      );
      const { id } = await read(created, R.battleCreated);
      await sendMessage(id, "What is the tallest mountain in Africa?");
      const res = await fetchWith(env, `/api/battles/${id}/vote`, { winner: "b" }, ip);
      expect(res.status).toBe(200);
      return { id, body: await read(res, R.vote) };
    };
    const last = await vote(); // the 300th: still counted
    expect(last.body).toMatchObject({ counted: true, reason: null });
    const over = await vote(); // the 301st
    expect(over.body).toMatchObject({ counted: false, reason: "vote_cap" });
    await expect
      .poll(async () => (await getBattleRow(d, over.id))?.excludedReason, { timeout: 10_000 })
      .toBe("vote_cap");
    expect(await getBattle(over.id)).toMatchObject({
      counted: false,
      reason: "vote_cap",
    });
    expect((await excludedCounts(d, Date.now())).vote_cap).toBeGreaterThanOrEqual(1);
  });

  it("RATE_LIMITS=off or a cap of 0 turn it off; within the cap the counter just counts", async () => {
    const d = db(env.DB);
    const hash = "cd".repeat(32);
    for (let i = 0; i < 400; i++) await countVoterVote(d, hash, utcDay(Date.now()));
    expect(await overVoteCap(env, hash, Date.now())).toBe(true);
    expect(await overVoteCap(withEnv({ RATE_LIMITS: "off" }), hash, Date.now())).toBe(false);
    expect(await overVoteCap(withEnv({ VOTE_CAP_PER_DAY: "0" }), hash, Date.now())).toBe(false);
    expect(await overVoteCap(env, "ef".repeat(32), Date.now())).toBe(false);
    expect(await countVoterVote(d, "ef".repeat(32), utcDay(Date.now()))).toBe(2);
  });
});

describe("per-IP rate limits under load", () => {
  it("admits exactly the limit out of a concurrent burst, answers the rest 429, and leaves other IPs alone", async () => {
    await seedDemoModels();
    const burst = await Promise.all(
      Array.from({ length: 40 }, () => fetchWith(env, "/api/battles", { mode: "anonymous" }, "192.0.2.150")),
    );
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3); // the limit in vitest.config.mts
    expect(statuses.filter((s) => s === 429)).toHaveLength(37);
    for (const r of burst.filter((x) => x.status === 429)) expect(r.headers.get("retry-after")).toBe("60");
    // Twenty other addresses at the same moment: each gets its own budget.
    const others = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetchWith(env, "/api/battles", { mode: "anonymous" }, `192.0.2.${160 + i}`)),
    );
    expect(others.every((r) => r.status === 201)).toBe(true);
  });

  it("RATE_LIMITS=off admits the whole burst", async () => {
    const e = withEnv({ RATE_LIMITS: "off" });
    const burst = await Promise.all(
      Array.from({ length: 40 }, () => fetchWith(e, "/api/battles", { mode: "anonymous" }, "192.0.2.151")),
    );
    expect(burst.every((r) => r.status === 201)).toBe(true);
  });
});
