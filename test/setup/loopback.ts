// Fake services on loopback for the Workers-runtime tests (vitest globalSetup, runs in Node): Cloudflare Turnstile's
// siteverify endpoint and an OpenAI-compatible judge whose answers a test picks with a marker in the prompt. The
// Worker reaches them over real HTTP, as it would the real services; `loopbackUrl` is provided to the tests.
import { createServer, type Server } from "node:http";
import type { TestProject } from "vitest/node";

interface Recorded {
  path: string;
  body: Record<string, unknown>;
}

/** What the fake judge answers, by the marker in the judged prompt and the judge prompt it is asked. */
function judgeAnswer(system: string, prompt: string): string | null {
  const kind = system.includes("seven criteria")
    ? "criteria"
    : system.includes("<score>")
      ? "score"
      : system.includes("mathematical")
        ? "math"
        : "creative";
  if (prompt.includes("JUDGE:FAIL")) return null;
  if (prompt.includes("JUDGE:MALFORMED")) {
    return {
      criteria: "Criteria 1 and 2 apply.",
      score: "Score: four",
      math: "yes",
      creative: "<decision>maybe</decision>",
    }[kind];
  }
  if (prompt.includes("JUDGE:AMBIGUOUS")) {
    return {
      criteria: "[1, 2, 3, 4, 5, 6] or perhaps [1, 2]",
      score: "<score>5</score> no, <score>2</score>",
      math: "<decision>yes</decision><decision>no</decision>",
      creative: "<decision>yes</decision> <decision>",
    }[kind];
  }
  // Well formed: a hard, instruction-heavy maths prompt that is not creative writing.
  return {
    criteria: "[1, 2, 3, 4, 6, 7]",
    score: "<score>4</score>",
    math: "<decision>\nyes\n</decision>",
    creative: "<decision>no</decision>",
  }[kind];
}

let server: Server | undefined;

export async function setup(project: TestProject) {
  const recorded: Recorded[] = [];
  server = createServer(async (req, res) => {
    let raw = "";
    for await (const part of req) raw += part;
    const path = req.url ?? "/";
    let body: Record<string, unknown> = {};
    try {
      body = raw.startsWith("{") ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      body = { raw };
    }
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.method === "GET" && path.startsWith("/requests")) {
      const prefix = new URL(path, "http://x").searchParams.get("path") ?? "";
      return json(
        200,
        recorded.filter((r) => r.path.startsWith(prefix)),
      );
    }
    recorded.push({ path, body });
    if (path === "/turnstile/v0/siteverify") {
      const token = String(body.response ?? "");
      if (token === "down") return json(500, { error: "unavailable" });
      if (token.startsWith("pass")) {
        return json(200, {
          success: true,
          "error-codes": [],
          challenge_ts: new Date().toISOString(),
          hostname: "arena.test",
        });
      }
      return json(200, { success: false, "error-codes": ["invalid-input-response"] });
    }
    if (path === "/v1/chat/completions") {
      const messages = (body.messages ?? []) as { role: string; content: string }[];
      const system = messages.find((m) => m.role === "system")?.content ?? "";
      const user = messages.find((m) => m.role === "user")?.content ?? "";
      const answer = judgeAnswer(system, user);
      if (answer === null) return json(500, { error: { message: "judge down", type: "server_error" } });
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta: unknown, finish: string | null) =>
        `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 1, model: "judge", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: "assistant", content: "" }, null));
      res.write(chunk({ content: answer }, null));
      res.write(chunk({}, "stop"));
      return res.end("data: [DONE]\n\n");
    }
    json(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  project.provide("loopbackUrl", `http://127.0.0.1:${address.port}`);
}

export async function teardown() {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
