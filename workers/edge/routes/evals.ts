// LLM-judge evaluation jobs (DESIGN section 13, docs/judge.md "Service"):
// - POST /v1/provider/evals, GET /v1/provider/evals/{id}: a provider, on its own models (public or private), sees
//   only its own jobs (404 otherwise);
// - POST /api/admin/evals, GET /api/admin/evals/{id}: the operator, on public models; finished operator jobs are
//   published as GET /evals/{suite}.json (R2, ETag/304; 503 not_ready before the first), listed by GET /api/evals.
// A job is planned here (its questions and item count), stored in D1, and its answers are enqueued on arena-evals;
// workers/batch/evals.ts does the rest.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  evalProgress,
  finishEvalJob,
  getEvalPublished,
  insertEvalJob,
  listEvalPublished,
  ownedEvalJob,
  type EvalJobRow,
} from "../../../d1/evals";
import { db, getModel } from "../../../d1/queries";
import { sendEvalMessages } from "../../../queues/evals";
import { ApiError } from "../../../shared/core/errors";
import { errorText, log } from "../../../shared/core/log";
import { DEMO_JUDGE } from "../../../shared/judge/demo-judge";
import { jobQuestions, jobTotal } from "../../../shared/judge/job";
import { liveSuiteNames, loadLiveSuite, resolveSuite } from "../../../shared/judge/live-suites";
import { SUITE_NAMES } from "../../../shared/judge/suites";
import type { ModelRecord } from "../../../shared/models";
import { callerModel, requireAdmin, requireProviderKey } from "../auth";
import { buildArenaHardLive } from "../live-suite";
import type { App, AppEnv } from "../env";
import { openAIErrors as e } from "../openai-errors";
import { servePublished } from "../published";
import { errors, jsonBody } from "../schemas";

const EvalJobInput = z
  .object({
    model: z.string().min(1).max(128).openapi({ example: "demo-pebble" }),
    suite: z
      .string()
      .min(1)
      .max(64)
      .openapi({
        example: "mt-bench",
        description: `One of ${SUITE_NAMES.join(", ")}, or a built arena-hard-live-<YYYY-MM-DD>`,
      }),
    judge: z.string().min(1).max(128).optional().openapi({
      description: '"demo" (the built-in deterministic judge, the default) or the id of a public arena model',
    }),
    baseline: z.string().min(1).max(128).nullish().openapi({
      description: "Pairwise suites: the suite's own baseline (its shipped answers; the default). Single grading: none",
    }),
    limit: z.number().int().min(1).max(10_000).optional().openapi({
      description: "Run only the first `limit` questions of the suite (a quick check, e.g. under `npm start`)",
    }),
  })
  .strict()
  .openapi("EvalJobInput");

const EvalJobCreated = z.object({ id: z.string(), status: z.literal("queued") }).openapi("EvalJobCreated");

const EvalJob = z
  .object({
    id: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    model: z.string(),
    suite: z.string(),
    judge: z.string(),
    baseline: z.string().nullable(),
    questions: z.number(),
    progress: z.object({
      done: z.number().openapi({ description: "Answers and judgments stored with a result" }),
      total: z.number().openapi({ description: "Answers and judgments the job stores: done + failed at the end" }),
      failed: z
        .number()
        .openapi({ description: "Answers and judgments that gave up (a failed answer fails its judgments)" }),
    }),
    reason: z.string().nullable().openapi({ description: "Why a failed job failed" }),
    result: z.object({}).passthrough().nullable().openapi({ description: "The arena-eval/v1 result once done" }),
    createdAt: z.number(),
    finishedAt: z.number().nullable(),
  })
  .openapi("EvalJob");

const JobIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "0b5c1f5e-8a7d-4c52-9a57-3c8f2b1f8e11" }),
});

const provider = { security: [{ providerKey: [] }], middleware: requireProviderKey, tags: ["Provider"] };
const admin = { security: [{ adminToken: [] }], middleware: requireAdmin, tags: ["Admin"] };

const LiveBuildInput = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional()
      .openapi({ description: "k-means seed (default 0)" }),
    maxBattles: z.number().int().min(1).max(50_000).optional().openapi({
      description: "Newest consented battles scanned for hard prompts (default 5000)",
    }),
    maxEmbed: z.number().int().min(0).max(5_000).optional().openapi({
      description: "Prompts embedded now when missing from the router's prompt cache (default 500)",
    }),
    minClusterScore: z.number().min(0).max(1).optional().openapi({
      description: "Mean hardness (share of the 7 criteria) a cluster needs to be kept (default 0.7)",
    }),
    maxClusters: z
      .number()
      .int()
      .min(1)
      .max(250)
      .optional()
      .openapi({ description: "Largest number of clusters; default 50" }),
  })
  .strict()
  .openapi("LiveSuiteInput");

const routes = {
  providerCreate: createRoute({
    method: "post",
    path: "/v1/provider/evals",
    summary: "Start an LLM-judge evaluation of one of your models (public or private) on a suite",
    ...provider,
    request: jsonBody(EvalJobInput),
    responses: {
      202: { description: "Queued", content: { "application/json": { schema: EvalJobCreated } } },
      400: e[400],
      401: e[401],
      404: { ...e[404], description: "Unknown model, or another provider's (`model_not_found`)" },
      422: e[422],
    },
  }),
  providerGet: createRoute({
    method: "get",
    path: "/v1/provider/evals/{id}",
    summary: "One of your evaluation jobs: status, progress and, once done, the arena-eval/v1 result",
    ...provider,
    request: { params: JobIdParam },
    responses: {
      200: { description: "The job", content: { "application/json": { schema: EvalJob } } },
      401: e[401],
      404: { ...e[404], description: "Unknown job, or another provider's (`not_found`)" },
    },
  }),
  adminCreate: createRoute({
    method: "post",
    path: "/api/admin/evals",
    summary: "Start an LLM-judge evaluation of a public model; the result is published as /evals/{suite}.json",
    ...admin,
    request: jsonBody(EvalJobInput),
    responses: {
      202: { description: "Queued", content: { "application/json": { schema: EvalJobCreated } } },
      400: errors[400],
      401: errors[401],
      404: { ...errors[404], description: "Unknown or non-public model" },
      422: errors[422],
    },
  }),
  adminGet: createRoute({
    method: "get",
    path: "/api/admin/evals/{id}",
    summary: "An operator evaluation job",
    ...admin,
    request: { params: JobIdParam },
    responses: {
      200: { description: "The job", content: { "application/json": { schema: EvalJob } } },
      401: errors[401],
      404: errors[404],
    },
  }),
  published: createRoute({
    method: "get",
    path: "/evals/{file}",
    summary: "The published result of a suite, `/evals/<suite>.json` (schema arena-eval/v1), from the operator's jobs",
    request: {
      params: z.object({ file: z.string().openapi({ param: { name: "file", in: "path" }, example: "mt-bench.json" }) }),
    },
    responses: {
      200: { description: "The result", content: { "application/json": { schema: z.object({}).passthrough() } } },
      304: { description: "Not modified (If-None-Match)" },
      404: errors[404],
      503: errors[503],
    },
  }),
  list: createRoute({
    method: "get",
    path: "/api/evals",
    summary: "The suites and which of them have a published result",
    responses: {
      200: {
        description: "Suites",
        content: {
          "application/json": {
            schema: z
              .array(
                z.object({
                  suite: z.string(),
                  kind: z.enum(["pairwise", "single"]),
                  questions: z.number(),
                  baseline: z.string().nullable(),
                  published: z
                    .object({ url: z.string(), judge: z.string(), models: z.number(), publishedAt: z.number() })
                    .nullable(),
                }),
              )
              .openapi("EvalSuites"),
          },
        },
      },
    },
  }),
  buildLive: createRoute({
    method: "post",
    path: "/api/admin/suites/arena-hard-live",
    summary: "Build today's arena-hard-live-<YYYY-MM-DD> suite from the consented hard prompts (BenchBuilder-lite)",
    ...admin,
    request: jsonBody(LiveBuildInput),
    responses: {
      201: {
        description: "Built and stored",
        content: {
          "application/json": {
            schema: z
              .object({
                suite: z.string(),
                questions: z.number(),
                url: z.string(),
                provenance: z.object({}).passthrough(),
              })
              .openapi("LiveSuiteBuilt"),
          },
        },
      },
      400: errors[400],
      401: errors[401],
      409: { ...errors[409], description: "Today's suite is already built (`suite_exists`)" },
      422: errors[422],
    },
  }),
  suite: createRoute({
    method: "get",
    path: "/api/suites/{name}",
    summary: "A suite's questions: a built-in one or a built arena-hard-live-<date> (with its provenance)",
    request: {
      params: z.object({
        name: z.string().openapi({ param: { name: "name", in: "path" }, example: "arena-hard-live-2026-12-04" }),
      }),
    },
    responses: {
      200: { description: "The suite", content: { "application/json": { schema: z.object({}).passthrough() } } },
      404: errors[404],
    },
  }),
};

const invalid = (message: string) => new ApiError(422, "invalid_request", message);
const jobNotFound = () => new ApiError(404, "not_found", "No evaluation job with this id.");

/** A judge: the demo judge, a public active model, or (for a provider) one of its own models. */
async function resolveJudge(c: Context<AppEnv>, judge: string | undefined, owner: string | null): Promise<string> {
  if (judge === undefined || judge === DEMO_JUDGE) return DEMO_JUDGE;
  const d = db(c.env.DB);
  const m = await getModel(d, judge);
  const usable =
    m && m.status !== "deprecated" && (m.visibility === "public" || (owner !== null && m.ownerId === owner));
  if (!usable) throw invalid(`judge: "${judge}" is neither "demo" nor a model you may use as a judge`);
  return judge;
}

async function createJob(
  c: Context<AppEnv>,
  input: z.infer<typeof EvalJobInput>,
  model: ModelRecord,
  owner: string | null,
): Promise<{ id: string; status: "queued" }> {
  const suite = await resolveSuite(c.env.STORE, input.suite);
  if (!suite)
    throw invalid(
      `suite: unknown suite "${input.suite}"; one of ${SUITE_NAMES.join(", ")} or a built arena-hard-live-<date>`,
    );
  let baseline: string | null = null;
  if (suite.kind === "pairwise") {
    baseline = input.baseline ?? suite.baseline ?? null;
    if (baseline !== suite.baseline)
      throw invalid(`baseline: ${suite.suite} is judged against its shipped ${suite.baseline} answers only`);
    if (model.id === baseline) throw invalid(`model: ${model.id} is the suite's baseline`);
  } else if (input.baseline) {
    throw invalid(`baseline: ${suite.suite} grades each answer alone (no baseline)`);
  }
  if (input.limit !== undefined && input.limit > suite.questions.length)
    throw invalid(`limit: ${suite.suite} has ${suite.questions.length} questions`);
  const judge = await resolveJudge(c, input.judge, owner);
  const questions = jobQuestions(suite, input.limit ?? null);
  const now = Date.now();
  const id = crypto.randomUUID();
  const d = db(c.env.DB);
  await insertEvalJob(d, {
    id,
    owner,
    model: model.id,
    suite: suite.suite,
    judge,
    baseline,
    questions: questions.length,
    total: jobTotal(suite, questions),
    status: "queued",
    createdAt: now,
    updatedAt: now,
  });
  try {
    await sendEvalMessages(
      c.env.EVALS,
      questions.map((q) => ({ v: 1 as const, type: "answer" as const, jobId: id, questionId: q.id })),
    );
  } catch (err) {
    log.error("eval.enqueue_failed", { job: id, err: errorText(err) });
    await finishEvalJob(d, id, { status: "failed", reason: "the job could not be queued", result: null }, Date.now());
    throw new ApiError(503, "unavailable", "The evaluation queue is unavailable; try again later.", {
      "retry-after": "30",
    });
  }
  log.info("eval.created", { job: id, owner, model: model.id, suite: suite.suite, judge, questions: questions.length });
  return { id, status: "queued" };
}

async function jobView(env: Env, job: EvalJobRow) {
  const p = await evalProgress(db(env.DB), job.id);
  return {
    id: job.id,
    status: job.status,
    model: job.model,
    suite: job.suite,
    judge: job.judge,
    baseline: job.baseline,
    questions: job.questions,
    progress: { done: p.done, total: job.total, failed: p.failed },
    reason: job.reason,
    result: job.result ? (JSON.parse(job.result) as Record<string, unknown>) : null,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

const notReady = (suite: string) =>
  new ApiError(503, "not_ready", `No operator evaluation of ${suite} has finished yet.`, { "retry-after": "60" });

export function registerEvalRoutes(app: App) {
  app.openapi(routes.providerCreate, async (c) => {
    const input = c.req.valid("json");
    const model = await callerModel(c, input.model);
    return c.json(await createJob(c, input, model, c.get("provider").id), 202);
  });

  app.openapi(routes.providerGet, async (c) => {
    const { id } = c.req.valid("param");
    const job = id.length <= 64 ? await ownedEvalJob(db(c.env.DB), c.get("provider").id, id) : undefined;
    if (!job) throw jobNotFound();
    return c.json(await jobView(c.env, job), 200);
  });

  app.openapi(routes.adminCreate, async (c) => {
    const input = c.req.valid("json");
    const model = input.model.length <= 128 ? await getModel(db(c.env.DB), input.model) : undefined;
    if (!model || model.visibility !== "public")
      throw new ApiError(404, "model_not_found", `No public model "${input.model}".`);
    return c.json(await createJob(c, input, model, null), 202);
  });

  app.openapi(routes.adminGet, async (c) => {
    const { id } = c.req.valid("param");
    const job = id.length <= 64 ? await ownedEvalJob(db(c.env.DB), null, id) : undefined;
    if (!job) throw jobNotFound();
    return c.json(await jobView(c.env, job), 200);
  });

  app.openapi(routes.published, async (c) => {
    const { file } = c.req.valid("param");
    const suite = /^(.+)\.json$/.exec(file)?.[1];
    if (!suite || !(await resolveSuite(c.env.STORE, suite)))
      throw new ApiError(404, "not_found", `No suite result ${file}.`);
    const row = await getEvalPublished(db(c.env.DB), suite);
    if (!row) throw notReady(suite);
    return (await servePublished(c, row.etag, row.key, () => notReady(suite))) as never;
  });

  app.openapi(routes.list, async (c) => {
    const published = new Map((await listEvalPublished(db(c.env.DB))).map((r) => [r.suite, r]));
    const live = await Promise.all((await liveSuiteNames(c.env.STORE)).map((n) => loadLiveSuite(c.env.STORE, n)));
    const suites = [...SUITE_NAMES.map((n) => resolveSuite(c.env.STORE, n)), ...live];
    return c.json(
      (await Promise.all(suites)).flatMap((s) => {
        if (!s) return [];
        const name = s.suite;
        const p = published.get(name);
        return {
          suite: name,
          kind: s.kind,
          questions: s.questions.length,
          baseline: s.baseline ?? null,
          published: p
            ? { url: `/evals/${name}.json`, judge: p.judge, models: p.models, publishedAt: p.publishedAt }
            : null,
        };
      }),
      200,
    );
  });

  app.openapi(routes.buildLive, async (c) => {
    const input = c.req.valid("json");
    const s = await buildArenaHardLive(c.env, {
      seed: input.seed ?? 0,
      maxBattles: input.maxBattles ?? 5_000,
      maxEmbed: input.maxEmbed ?? 500,
      minClusterScore: input.minClusterScore,
      maxClusters: input.maxClusters,
    });
    return c.json(
      { suite: s.suite, questions: s.questions.length, url: `/api/suites/${s.suite}`, provenance: s.provenance },
      201,
    );
  });

  app.openapi(routes.suite, async (c) => {
    const { name } = c.req.valid("param");
    const s = name.length <= 64 ? await resolveSuite(c.env.STORE, name) : null;
    if (!s) throw new ApiError(404, "not_found", `No suite ${name}.`);
    return c.json(s as unknown as Record<string, unknown>, 200);
  });
}
