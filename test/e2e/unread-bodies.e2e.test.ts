// No request can take `npm start` down (issue 11, defect 4): bodies the server never reads — on routes that take
// none (`/stop`, `/keys`), on pages (`POST /about`, `PUT /`), on a GET or HEAD — used to make wrangler dev answer 503
// "Your worker restarted mid-request", reset the connection, hang for 5 s, answer 500 with a miniflare stack
// trace, and usually exit. Sent over raw HTTP (fetch refuses a body on GET/HEAD) to the real arena, every one must
// get a prompt 4xx/2xx answer without a stack trace, and the arena must still serve battles afterwards.
import { request } from "node:http";
import { describe, expect, inject, it } from "vitest";

const base = new URL(inject("arenaUrl"));
const token = inject("arenaAdminToken");

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** One request with an exact method, headers and body, on a fresh connection. */
function send(method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: { "content-length": Buffer.byteLength(body), connection: "close", ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, ms: Date.now() - started }));
      },
    );
    req.setTimeout(4_000, () => req.destroy(new Error(`${method} ${path}: no answer within 4 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

const BIG = "x".repeat(100_000);
const STACK = /\bat [\w.<>]+ \(|file:\/\/|node_modules|\/work\/|\.ts:\d+/;

async function battleId(): Promise<string> {
  const res = await fetch(`${base.origin}/api/battles`, {
    method: "POST",
    body: JSON.stringify({ mode: "anonymous" }),
  });
  return ((await res.json()) as { id: string }).id;
}

describe("request bodies the server never reads", () => {
  it("get a clean answer on every route, page and method, and the arena stays up", async () => {
    const id = await battleId();
    const admin = { authorization: `Bearer ${token}` };
    const cases: [string, string, Record<string, string>?][] = [
      ["POST", `/api/battles/${id}/stop`],
      ["POST", `/api/battles/${id}/regenerate`],
      ["POST", "/api/admin/providers/nope/keys", admin],
      ["POST", "/api/admin/providers/nope/keys/ak_nope/rotate", admin],
      ["DELETE", "/api/admin/providers/nope/keys/ak_nope", admin],
      ["GET", "/api/health"],
      ["GET", "/api/models"],
      ["GET", `/api/battles/${id}`],
      ["GET", "/leaderboard.json"],
      ["GET", "/openapi.json"],
      ["GET", "/api/export/battles.jsonl"],
      ["HEAD", "/api/health"],
      ["DELETE", "/api/models"],
      ["POST", "/about"],
      ["PUT", "/"],
      ["PATCH", "/leaderboard"],
      ["DELETE", "/chat"],
      ["POST", "/assets/does-not-exist.js"],
      ["POST", "/no/such/page"],
      ["OPTIONS", "/compare"],
      ["GET", "/about"],
      ["GET", "/battle/some-id"],
      ["HEAD", "/"],
    ];
    const answers: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (const [method, path, headers] of cases) {
        for (const contentType of ["text/plain", "application/json"]) {
          const a = await send(method, path, BIG, { "content-type": contentType, ...headers });
          answers.push(`${method} ${path} ${a.status}`);
          // The one 5xx of the contract: /leaderboard.json before the first snapshot (503 not_ready).
          const notReady = a.status === 503 && a.body.includes('"not_ready"');
          if (!notReady) expect(a.status, `${method} ${path}`).toBeLessThan(500);
          expect(a.body, `${method} ${path}`).not.toMatch(STACK);
          expect(a.ms, `${method} ${path}`).toBeLessThan(3_000);
          if (a.status >= 400 && method !== "HEAD") {
            expect(JSON.parse(a.body), `${method} ${path}`).toMatchObject({ error: { code: expect.any(String) } });
          }
        }
      }
    }
    // Pages refuse other methods with a JSON 405 that names the allowed ones; GET and HEAD still serve them.
    expect(answers).toContain("POST /about 405");
    expect(answers).toContain("GET /about 200");
    expect(answers).toContain("HEAD / 200");
    // The arena still runs a whole battle afterwards.
    const after = await battleId();
    const turn = await fetch(`${base.origin}/api/battles/${after}/messages`, {
      method: "POST",
      body: JSON.stringify({ content: "Still there?" }),
    });
    expect(turn.status).toBe(200);
    expect(await turn.text()).toContain("event: done");
  });
});
