// GET /api/export/conversations.jsonl[?snapshot=ID] (DESIGN section 4): the rated battles of a snapshot whose voter
// consented to release, with their conversations, in FastChat's conv_release style, PII scrubbed
// (shared/data/cleaning/pii.ts). Only battles with a retained transcript can be released (TRANSCRIPT_RETENTION keeps the
// consented ones by default). Streamed: one D1 page and one transcript in memory at a time.
import { createRoute, z } from "@hono/zod-openapi";
import { ratedBattles } from "../../../d1/export";
import { db, latestSnapshot, listModels, snapshotById, type SnapshotRow } from "../../../d1/queries";
import { readTranscript, type Transcript } from "../../../shared/battle/transcript";
import { scrubPii } from "../../../shared/data/cleaning/pii";
import { ApiError } from "../../../shared/core/errors";
import type { App } from "../env";
import { errors } from "../schemas";

const Query = z.object({ snapshot: z.string().min(1).max(64).optional() });

const route = createRoute({
  method: "get",
  path: "/api/export/conversations.jsonl",
  summary: "Released conversations of a snapshot's rated battles (voter consented), PII scrubbed, JSON Lines",
  request: { query: Query },
  responses: {
    200: { description: "JSON Lines", content: { "application/x-ndjson": { schema: z.string() } } },
    404: errors[404],
    422: errors[422],
    503: errors[503],
  },
});

export interface ConversationLine {
  id: string;
  tstamp: number;
  model_a: string;
  model_b: string;
  winner: string;
  judge: string;
  turn: number;
  anony: boolean;
  language: string | null;
  categories: string[];
  conversation_a: { role: string; content: string }[];
  conversation_b: { role: string; content: string }[];
}

const scrub = (conv: Transcript["conversationA"]) => conv.map((m) => ({ role: m.role, content: scrubPii(m.content) }));

function conversations(env: Env, snap: SnapshotRow): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const d = db(env.DB);
  let rows: ReturnType<typeof ratedBattles> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!rows) {
        const publicModels = new Set((await listModels(d)).filter((m) => m.visibility === "public").map((m) => m.id));
        rows = ratedBattles(d, publicModels, { recordedUpTo: snap.generatedAt });
      }
      // Skip to the next battle that may be released; emit one line per pull.
      for (;;) {
        const next = await rows.next();
        if (next.done) return controller.close();
        const row = next.value;
        if (!row.consent || !row.transcriptKey) continue;
        const t = await readTranscript(env.STORE, row.transcriptKey);
        if (!t) continue;
        const line: ConversationLine = {
          id: row.id,
          tstamp: row.votedAt / 1000,
          model_a: row.modelA,
          model_b: row.modelB,
          winner: row.winner,
          judge: row.voterHash,
          turn: row.turns,
          anony: row.anony,
          language: row.language,
          categories: row.categories,
          conversation_a: scrub(t.conversationA),
          conversation_b: scrub(t.conversationB),
        };
        controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        return;
      }
    },
  });
}

export function registerExportRoutes(app: App) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const d = db(c.env.DB);
    const snap = q.snapshot ? await snapshotById(d, q.snapshot) : await latestSnapshot(d);
    if (!snap) {
      if (q.snapshot) throw new ApiError(404, "snapshot_not_found", `No snapshot '${q.snapshot}'.`);
      throw new ApiError(503, "not_ready", "No leaderboard has been published yet.", { "retry-after": "60" });
    }
    return new Response(conversations(c.env, snap), {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "x-arena-snapshot": snap.id,
        "cache-control": q.snapshot ? "public, max-age=3600" : "no-cache",
      },
    }) as never;
  });
}
