// GET /v1/provider/models/:id/results (DESIGN section 4b): a provider's private view of its own model. The
// cron's latest results document (D1 `provider_model_results`, docs/provider-results.md), live vote counts
// from the recorded battles, and a sample of battles whose transcripts were retained, with the opponent anonymised.
import { createRoute, z } from "@hono/zod-openapi";
import { liveVotes, modelResults, retainedBattles } from "../../../d1/providers";
import { db } from "../../../d1/queries";
import { readTranscript, turnsOf } from "../../../shared/battle/transcript";
import { readConfig } from "../../../shared/core/config";
import { ApiError } from "../../../shared/core/errors";
import {
  outcomeFor,
  PrivateResults,
  PrivateResultsDocument,
  type PrivateResults as PrivateResultsT,
  voteCounts,
} from "../../../shared/accounts/results";
import type { App } from "../env";
import { callerModel, requireProviderKey } from "../auth";
import { ProviderModelIdParam } from "../schemas";
import { openAIErrors as errors } from "../openai-errors";
import { log } from "../../../shared/core/log";

const ResultsQuery = z.object({
  snapshot: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "A given snapshot's results (default: latest)" }),
  sample: z.coerce
    .number()
    .int()
    .min(0)
    .max(50)
    .default(10)
    .openapi({ description: "How many retained battles to include (0–50)" }),
});

const route = createRoute({
  method: "get",
  path: "/v1/provider/models/{id}/results",
  summary: "Private results of one of your models: rating, interval, rank against the public field, win rates, …",
  security: [{ providerKey: [] }],
  middleware: requireProviderKey,
  tags: ["Provider"],
  request: { params: ProviderModelIdParam, query: ResultsQuery },
  responses: {
    200: { description: "Results", content: { "application/json": { schema: PrivateResults } } },
    401: errors[401],
    404: { ...errors[404], description: "Unknown id, another provider's model, or an unknown snapshot" },
    422: errors[422],
  },
});

type Sample = PrivateResultsT["sample"]["battles"][number];

async function sampleBattles(env: Env, modelId: string, limit: number): Promise<Sample[]> {
  if (limit === 0) return [];
  const rows = await retainedBattles(db(env.DB), modelId, limit);
  const out = await Promise.all(
    rows.map(async (row): Promise<Sample | null> => {
      const t = row.transcriptKey ? await readTranscript(env.STORE, row.transcriptKey) : null;
      if (!t) return null;
      const side = row.modelA === modelId ? "a" : "b";
      const other = side === "a" ? "b" : "a";
      const turns = turnsOf(t).map((turn) => ({ user: turn.user, model: turn[side], opponent: turn[other] }));
      return {
        id: row.id,
        votedAt: row.votedAt,
        side,
        outcome: outcomeFor(side, row.winner),
        excludedReason: row.excludedReason,
        opponent: "anonymous",
        turns,
      };
    }),
  );
  return out.filter((s): s is Sample => s !== null);
}

export function registerProviderResultsRoute(app: App) {
  app.openapi(route, async (c) => {
    const model = await callerModel(c, c.req.valid("param").id);
    const q = c.req.valid("query");
    const d = db(c.env.DB);
    const [stored, live, battles] = await Promise.all([
      modelResults(d, model.id, q.snapshot),
      liveVotes(d, model.id),
      sampleBattles(c.env, model.id, q.sample),
    ]);
    if (q.snapshot && !stored) {
      throw new ApiError(404, "snapshot_not_found", `No results of this model for snapshot '${q.snapshot}'.`);
    }
    let results: PrivateResultsT["results"] = null;
    if (stored) {
      const parsed = PrivateResultsDocument.safeParse(stored.document);
      if (parsed.success) results = parsed.data;
      else {
        log.error("provider.results_invalid", {
          model: model.id,
          snapshot: stored.snapshotId,
          issues: parsed.error.issues.length,
        });
      }
    }
    return c.json(
      {
        model: { id: model.id, codename: model.codename, visibility: model.visibility, status: model.status },
        results,
        live: voteCounts(live),
        sample: { retention: readConfig(c.env).transcriptRetention, battles },
      },
      200,
    );
  });
}
