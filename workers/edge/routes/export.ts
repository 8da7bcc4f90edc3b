// The data exports of a snapshot (DESIGN sections 4 and 7, invariant 5), both JSON Lines:
// - GET /api/export/battles.jsonl[?snapshot=ID][&include=excluded]: the battles the snapshot rated, in the ratings
//   CLI's input format: the frozen file the cron wrote to R2, or (include=excluded) the audit view from D1.
// - GET /api/export/conversations.jsonl[?snapshot=ID]: the rated battles of a snapshot whose voter consented to
//   release, with their conversations, in FastChat's conv_release style, PII scrubbed (shared/data/cleaning/pii.ts).
//   Only battles with a retained transcript can be released (TRANSCRIPT_RETENTION keeps the consented ones by
//   default). Streamed: one D1 page and one transcript in memory at a time.
// - GET /api/export/models.json[?snapshot=ID]: the model metadata a leaderboard snapshot froze beside its export
//   (DESIGN section 14): `ratings --models models.json FILE` reproduces the boards' metadata, adjusted views and
//   frontier from it.
// - GET /api/export/redteam.jsonl[?snapshot=ID]: the finished ranked Red Team games a Red Team snapshot rated
//   (DESIGN section 11), the frozen file the cron wrote to R2 (workers/cron/redteam.ts).
// - GET /api/export/redteam-conversations.jsonl[?snapshot=ID]: of those games, the ones whose player consented to
//   release, each export line with its conversation, PII scrubbed as for battles. Streamed like conversations.
import { createRoute, z } from "@hono/zod-openapi";
import {
  jsonlStream,
  modelsFileKey,
  publicRatedBattles,
  snapshotFor,
  toExportLine,
  type ExportLine,
} from "../../../d1/export";
import { db, type SnapshotRow } from "../../../d1/queries";
import { readTranscript, type Transcript } from "../../../shared/battle/transcript";
import { scrubPii } from "../../../shared/data/cleaning/pii";
import { ApiError } from "../../../shared/core/errors";
import { latestRedteam, redteamExportKey, redteamSnapshotTime } from "../../../shared/redteam/published";
import { readGameTranscript } from "../../../shared/redteam/transcript";
import { releasedGamesPage } from "../../../d1/redteam";
import type { App } from "../env";
import { errors } from "../schemas";

const ExportQuery = z.object({
  snapshot: z.string().min(1).max(64).optional(),
  include: z.enum(["excluded"]).optional(),
});

const exportBattles = createRoute({
  method: "get",
  path: "/api/export/battles.jsonl",
  summary: "The battles a snapshot rated, in the ratings CLI's input format (JSONL)",
  request: { query: ExportQuery },
  responses: {
    200: { description: "JSON Lines", content: { "application/x-ndjson": { schema: z.string() } } },
    404: errors[404],
    422: errors[422],
    503: errors[503],
  },
});

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

const exportRedteam = createRoute({
  method: "get",
  path: "/api/export/redteam.jsonl",
  summary: "The finished ranked Red Team games a snapshot of /redteam.json rated (JSONL, frozen per snapshot)",
  request: { query: Query },
  responses: {
    200: { description: "JSON Lines", content: { "application/x-ndjson": { schema: z.string() } } },
    404: errors[404],
    422: errors[422],
    503: errors[503],
  },
});

const exportModels = createRoute({
  method: "get",
  path: "/api/export/models.json",
  summary: "The model metadata a leaderboard snapshot froze beside its export (arena-models/v1)",
  request: { query: Query },
  responses: {
    200: {
      description: "arena-models/v1",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
    404: errors[404],
    422: errors[422],
    503: errors[503],
  },
});

const exportRedteamConversations = createRoute({
  method: "get",
  path: "/api/export/redteam-conversations.jsonl",
  summary: "Released transcripts of a Red Team snapshot's ranked games (player consented), PII scrubbed, JSON Lines",
  request: { query: Query },
  responses: {
    200: { description: "JSON Lines", content: { "application/x-ndjson": { schema: z.string() } } },
    404: errors[404],
    422: errors[422],
    503: errors[503],
  },
});

/** Red Team snapshot ids are the cron's `<ISO time>-<4 hex>`; anything else names no snapshot. */
const REDTEAM_SNAPSHOT_ID = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z-[0-9a-f]{4}$/;

/** A released battle: the export line's FastChat fields that conv_release has, then both conversations. */
export type ConversationLine = Pick<
  ExportLine,
  "id" | "tstamp" | "model_a" | "model_b" | "winner" | "judge" | "turn" | "anony" | "language" | "categories"
> & {
  conversation_a: { role: string; content: string }[];
  conversation_b: { role: string; content: string }[];
};

const scrub = (conv: Transcript["conversationA"]) => conv.map((m) => ({ role: m.role, content: scrubPii(m.content) }));

/** A released Red Team game: its redteam.jsonl line, then the conversation (user and model turns, no system prompt). */
export interface RedteamConversationLine {
  id: string;
  tstamp: number;
  player: string | null;
  model: string;
  kind: string;
  target: string;
  outcome: string;
  turns: number;
  seconds: number;
  conversation: { role: "user" | "assistant"; content: string }[];
}

/** The consented ranked games a Red Team snapshot could rate (recorded by its time), one D1 page at a time. */
async function* releasedGames(env: Env, recordedUpTo: number) {
  const d = db(env.DB);
  for (let after: { tstamp: number; id: string } | null = null; ;) {
    const page = await releasedGamesPage(d, after, 500, recordedUpTo);
    yield* page;
    if (page.length < 500) return;
    const last = page[page.length - 1]!;
    after = { tstamp: last.tstamp, id: last.id };
  }
}

function redteamConversations(env: Env, recordedUpTo: number): ReadableStream<Uint8Array> {
  return jsonlStream(releasedGames(env, recordedUpTo), async (row): Promise<RedteamConversationLine | null> => {
    const t = row.transcriptKey ? await readGameTranscript(env.STORE, row.transcriptKey) : null;
    if (!t) return null;
    return {
      id: row.id,
      tstamp: row.tstamp / 1000,
      player: row.playerId,
      model: row.model,
      kind: row.kind,
      target: row.target,
      outcome: row.outcome,
      turns: row.turns,
      seconds: row.seconds,
      conversation: t.turns.flatMap((turn) => [
        { role: "user" as const, content: scrubPii(turn.user) },
        { role: "assistant" as const, content: scrubPii(turn.assistant) },
      ]),
    };
  });
}

const notFound = (id: string) => new ApiError(404, "snapshot_not_found", `No snapshot '${id}'.`);

/** The audit view: every anonymous battle recorded by the snapshot's time, excluded ones with their reason. */
function auditStream(env: Env, snap: SnapshotRow): ReadableStream<Uint8Array> {
  const rows = publicRatedBattles(db(env.DB), { includeExcluded: true, recordedUpTo: snap.generatedAt });
  return jsonlStream(rows, (row) => toExportLine(row, true));
}

function conversations(env: Env, snap: SnapshotRow): ReadableStream<Uint8Array> {
  const rows = publicRatedBattles(db(env.DB), { recordedUpTo: snap.generatedAt });
  // Only battles that may be released: consented, with a retained transcript.
  return jsonlStream(rows, async (row): Promise<ConversationLine | null> => {
    if (!row.consent || !row.transcriptKey) return null;
    const t = await readTranscript(env.STORE, row.transcriptKey);
    if (!t) return null;
    const { id, tstamp, model_a, model_b, winner, judge, turn, anony, language, categories } = toExportLine(row);
    return {
      id,
      tstamp,
      model_a,
      model_b,
      winner,
      judge,
      turn,
      anony,
      language,
      categories,
      conversation_a: scrub(t.conversationA),
      conversation_b: scrub(t.conversationB),
    };
  });
}

export function registerExportRoutes(app: App) {
  app.openapi(exportBattles, async (c) => {
    const q = c.req.valid("query");
    const snap = await snapshotFor(db(c.env.DB), q.snapshot);
    if (!snap) {
      if (q.snapshot) throw notFound(q.snapshot);
      throw new ApiError(
        503,
        "not_ready",
        "No leaderboard has been published yet; the first one is computed within a minute.",
        { "retry-after": "60" },
      );
    }
    // A named snapshot's export never changes; "the latest" does, so it must not outlive /leaderboard.json in a cache.
    const headers = {
      "content-type": "application/x-ndjson; charset=utf-8",
      "x-arena-snapshot": snap.id,
      "cache-control": q.snapshot ? "public, max-age=31536000, immutable" : "no-cache",
    };
    if (q.include === "excluded") return new Response(auditStream(c.env, snap), { headers }) as never;
    const object = await c.env.STORE.get(snap.exportKey);
    if (!object) throw new ApiError(404, "export_not_found", `The export of snapshot '${snap.id}' is missing.`);
    return new Response(object.body, { headers: { ...headers, "x-arena-sha256": snap.sha256 } }) as never;
  });

  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const snap = await snapshotFor(db(c.env.DB), q.snapshot);
    if (!snap) {
      if (q.snapshot) throw notFound(q.snapshot);
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

  app.openapi(exportModels, async (c) => {
    const q = c.req.valid("query");
    const snap = await snapshotFor(db(c.env.DB), q.snapshot);
    if (!snap) {
      if (q.snapshot) throw notFound(q.snapshot);
      throw new ApiError(503, "not_ready", "No leaderboard has been published yet.", { "retry-after": "60" });
    }
    const object = await c.env.STORE.get(modelsFileKey(snap.id));
    // Snapshots published before metadata was frozen have none.
    if (!object) throw new ApiError(404, "export_not_found", `Snapshot '${snap.id}' froze no model metadata.`);
    return new Response(object.body, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "x-arena-snapshot": snap.id,
        "cache-control": q.snapshot ? "public, max-age=31536000, immutable" : "no-cache",
      },
    }) as never;
  });

  app.openapi(exportRedteam, async (c) => {
    const q = c.req.valid("query");
    const id = await redteamSnapshotId(c.env, q.snapshot);
    const object = await c.env.STORE.get(redteamExportKey(id));
    if (!object) throw notFound(id);
    return new Response(object.body, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "x-arena-snapshot": id,
        "x-arena-sha256": object.customMetadata?.sha256 ?? "",
        "cache-control": q.snapshot ? "public, max-age=31536000, immutable" : "no-cache",
      },
    }) as never;
  });

  app.openapi(exportRedteamConversations, async (c) => {
    const q = c.req.valid("query");
    const id = await redteamSnapshotId(c.env, q.snapshot);
    const at = await redteamSnapshotTime(c.env.STORE, id);
    if (at === null) throw notFound(id);
    return new Response(redteamConversations(c.env, at), {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "x-arena-snapshot": id,
        "cache-control": q.snapshot ? "public, max-age=3600" : "no-cache",
      },
    }) as never;
  });
}

/** The Red Team snapshot a request names, or the live one; 404 for a malformed id, 503 before the first. */
async function redteamSnapshotId(env: Env, requested: string | undefined): Promise<string> {
  if (requested !== undefined) {
    if (!REDTEAM_SNAPSHOT_ID.test(requested)) throw notFound(requested);
    return requested;
  }
  const latest = await latestRedteam(env.STORE);
  if (!latest) throw new ApiError(503, "not_ready", "No Red Team game has been rated yet.", { "retry-after": "60" });
  return latest.snapshot;
}
