// Invariant 1 (anonymity), checked on the wire: for many battles, every byte the server sends before the vote —
// status lines, headers, JSON bodies, SSE streams and error responses — is searched for every identity of every
// model in the pool (id, name, organization, aliases, provider kind). None may appear.
import { describe, expect, inject, it } from "vitest";
import seed from "../../d1/seed/models.json";

const base = inject("arenaUrl");
const BATTLES = 12;
const CONCURRENCY = 4;

const identities = [
  ...new Set(seed.flatMap((m) => [m.id, m.name, m.organization, m.provider, ...m.aliases].map((s) => s.toLowerCase()))),
];

class Wire {
  readonly bytes: string[] = [];

  async send(path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
    const res = await fetch(`${base}${path}`, init);
    const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
    const body = await res.text();
    this.bytes.push(`${res.status} ${res.statusText}\n${headers}\n\n${body}`);
    return { status: res.status, body };
  }

  post(path: string, body?: unknown) {
    return this.send(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  }
}

/** Everything a curious client can do to a battle before voting, including the error paths. */
async function battleBeforeVote(wire: Wire, n: number): Promise<string> {
  const created = await wire.post("/api/battles", { mode: "anonymous", consent: n % 2 === 0 });
  expect(created.status).toBe(201);
  const id = JSON.parse(created.body).id as string;
  await wire.send(`/api/battles/${id}`);
  expect((await wire.post(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(409);
  expect((await wire.post(`/api/battles/${id}/regenerate`)).status).toBe(409);

  // Poke the battle while both sides are generating.
  const streaming = wire.post(`/api/battles/${id}/messages`, { content: `Question ${n}: how do airplanes stay up?` });
  await new Promise((r) => setTimeout(r, 30));
  const during = await Promise.all([
    wire.post(`/api/battles/${id}/vote`, { winner: "b" }),
    wire.post(`/api/battles/${id}/messages`, { content: "and another thing" }),
    wire.post(`/api/battles/${id}/regenerate`),
    wire.send(`/api/battles/${id}`),
  ]);
  expect(during.slice(0, 3).map((r) => r.status)).toEqual([409, 409, 409]);
  expect((await streaming).status).toBe(200);

  await wire.post(`/api/battles/${id}/messages`, "{not json");
  await wire.post(`/api/battles/${id}/messages`, { content: "x".repeat(30_001) });
  await wire.post(`/api/battles/${id}/vote`, { winner: "nobody" });
  await wire.post(`/api/battles/${id}/report`, { reason: "checking the report path" });
  await wire.post(`/api/battles/${id}/regenerate`);
  await wire.post(`/api/battles/${id}/messages`, { content: "Summarize that in one line." });
  await wire.post(`/api/battles/${id}/stop`);
  await wire.send(`/api/battles/${id}`);
  return id;
}

describe("anonymity before the vote", () => {
  it(`no model identity appears in anything sent about ${BATTLES} battles before their votes`, async () => {
    const wire = new Wire();
    const revealed = new Set<string>();
    for (let start = 0; start < BATTLES; start += CONCURRENCY) {
      const ids = await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => battleBeforeVote(wire, start + k)));
      // The votes themselves (which do reveal) are sent outside the recorded wire.
      for (const id of ids) {
        const vote = await fetch(`${base}/api/battles/${id}/vote`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ winner: "tie" }),
        });
        expect(vote.status).toBe(200);
        const { models } = (await vote.json()) as { models: { a: { id: string }; b: { id: string } } };
        revealed.add(models.a.id).add(models.b.id);
      }
    }
    const everything = wire.bytes.join("\n").toLowerCase();
    expect(everything.length).toBeGreaterThan(10_000);
    // The check is meaningful: the recorded battles really did involve the pool's models.
    expect(revealed.size).toBeGreaterThanOrEqual(3);
    const found = identities.filter((term) => everything.includes(term));
    expect(found).toEqual([]);
  });
});
