// The public transparency report (GET /api/transparency, the /about page's "Providers" section; issue 7): what
// every provider tested. Per provider: its private variants with their test periods (real names disclosed once
// the provider releases a model of that line, or after a fixed embargo), its share of battles, the current
// sampling weights, and the deprecation log with reasons; per public model the inputs of the `provisional` rule.
// A pure function of the registry and a few D1 aggregates, so it is unit-testable.
import { z } from "@hono/zod-openapi";
import type { ModelRecord } from "../models";
import { WinnersCurseEntry, winnersCurses, type PrivateEstimate } from "./winners-curse";
import {
  isProvisional,
  maxParallel,
  provisionalInputs,
  testPeriod,
  type ProvisionalPolicy,
  type TestPeriod,
} from "./provisional";

const DAY_MS = 86_400_000;
const iso = (t: number | null | undefined) => (t == null ? null : new Date(t).toISOString());

export const TRANSPARENCY_SCHEMA = "arena-transparency/v1";

const Variant = z
  .object({
    codename: z.string(),
    name: z.string().nullable().openapi({ description: "Disclosed name; null while undisclosed" }),
    model: z.string().nullable().openapi({ description: "Disclosed model id; null while undisclosed" }),
    status: z.enum(["testing", "paused", "released", "retired"]),
    testingStartedAt: z.string(),
    testingEndedAt: z.string().nullable().openapi({ description: "Release or retirement; null while in testing" }),
    disclosed: z
      .enum(["released", "line_released", "embargo"])
      .nullable()
      .openapi({ description: "Why the name is shown (the variant or its line was released, or the embargo ended)" }),
  })
  .openapi("PrivateVariant");

const ProviderEntry = z
  .object({
    name: z.string(),
    kind: z
      .enum(["account", "operator"])
      .openapi({ description: "A provider account, or models the operator registered (grouped by organization)" }),
    models: z.object({ public: z.number(), private: z.number(), deprecated: z.number() }),
    privateVariants: z.object({
      total: z.number().openapi({ description: "Every variant ever tested privately" }),
      inTesting: z.number(),
      maxParallel: z.number().openapi({ description: "Most variants in testing at one time, ever" }),
      variants: z.array(Variant),
    }),
    battles: z.object({
      total: z.number().openapi({
        description: "Recorded anonymous battles with one of its models (excluded ones too: voters saw them)",
      }),
      share: z.number().openapi({ description: "total / all anonymous battles" }),
      last30Days: z.number(),
      shareLast30Days: z.number(),
    }),
    sampling: z.object({
      share: z
        .number()
        .openapi({ description: "Probability that the next anonymous battle includes one of its models" }),
      models: z.array(
        z.object({
          model: z.string().openapi({ description: "Id, or codename while private" }),
          weight: z.number().openapi({ description: "samplingWeight as set by the operator" }),
          appearance: z.number().openapi({ description: "Probability the next anonymous battle includes it" }),
        }),
      ),
    }),
  })
  .openapi("TransparencyProvider");

export const TransparencyReport = z
  .object({
    schema: z.literal(TRANSPARENCY_SCHEMA),
    generatedAt: z.string(),
    policy: z.object({
      embargoDays: z.number(),
      provisional: z.object({ maxParallel: z.number(), minPostReleaseVotes: z.number(), lookbackDays: z.number() }),
    }),
    totals: z.object({
      anonymousBattles: z.number(),
      anonymousBattlesLast30Days: z.number(),
      privateVariants: z.number(),
      inTesting: z.number(),
    }),
    providers: z.array(ProviderEntry),
    deprecations: z.array(
      z.object({
        model: z.string().openapi({ description: "Id, or codename for a variant still undisclosed" }),
        provider: z.string(),
        deprecatedAt: z.string(),
        reason: z.string().nullable(),
      }),
    ),
    winnersCurse: z
      .array(WinnersCurseEntry)
      .openapi({
        description: "Released models chosen from k ≥ 2 private variants: the estimated best-of-k inflation",
      }),
    samplingPolicy: z
      .object({
        policy: z.enum(["weighted", "active"]),
        floor: z.number().openapi({ description: "active: every allowed pair gets at least floor / pairs" }),
        snapshot: z
          .string()
          .nullable()
          .openapi({ description: "active: the snapshot whose battle counts and ratings set the weights" }),
        pairs: z
          .array(z.object({ a: z.string(), b: z.string(), probability: z.number() }))
          .openapi({ description: "P(the next anonymous battle shows this pair), for pairs of public models" }),
        privatePairsShare: z
          .number()
          .openapi({ description: "Probability that the next battle involves a private model (pairs not listed)" }),
      })
      .openapi({ description: "How anonymous battles pick their pair, with the current weights (DESIGN 14)" }),
    models: z
      .array(
        z.object({
          model: z.string(),
          provider: z.string(),
          releasedAt: z.string().nullable(),
          postReleaseVotes: z.number(),
          parallelPrivateVariants: z.number(),
          provisional: z.boolean(),
        }),
      )
      .openapi({ description: "Public models with the inputs of the `provisional` rule" }),
  })
  .openapi("TransparencyReport");
export type TransparencyReport = z.infer<typeof TransparencyReport>;

export interface TransparencyInput {
  models: readonly ModelRecord[];
  /** Provider accounts by id. */
  accounts: ReadonlyMap<string, string>;
  /** Anonymous battles per ordered model pair. */
  pairs: readonly { model_a: string; model_b: string; battles: number; recent: number }[];
  postReleaseVotes: ReadonlyMap<string, number>;
  /** The pairs the next anonymous battle can show, with their probabilities (shared/battle/sampling.ts). */
  sampling: readonly { a: string; b: string; probability: number }[];
  /** The policy behind `sampling` (weighted or active, its floor, and the snapshot active sampling read). */
  samplingPolicy?: { policy: "weighted" | "active"; floor: number; snapshot: string | null };
  /** Each privately tested model's last private-results placement on the overall board (for the winner's curse). */
  privateEstimates?: ReadonlyMap<string, PrivateEstimate>;
  embargoDays: number;
  policy: ProvisionalPolicy;
  now: number;
}

/** Which provider a model belongs to: its account, or for the operator's own models its organization. */
function groupOf(
  m: ModelRecord,
  accounts: ReadonlyMap<string, string>,
): { key: string; name: string; kind: "account" | "operator" } {
  if (m.ownerId && accounts.has(m.ownerId))
    return { key: `a:${m.ownerId}`, name: accounts.get(m.ownerId)!, kind: "account" };
  return { key: `o:${m.organization}`, name: m.organization, kind: "operator" };
}

export function buildTransparency(input: TransparencyInput): TransparencyReport {
  const { models, accounts, now, policy } = input;
  const groups = new Map<string, { name: string; kind: "account" | "operator"; models: ModelRecord[] }>();
  const groupKey = new Map<string, string>();
  for (const [id, name] of accounts) groups.set(`a:${id}`, { name, kind: "account", models: [] });
  for (const m of models) {
    const g = groupOf(m, accounts);
    if (!groups.has(g.key)) groups.set(g.key, { name: g.name, kind: g.kind, models: [] });
    groups.get(g.key)!.models.push(m);
    groupKey.set(m.id, g.key);
  }

  let allBattles = 0;
  let allRecent = 0;
  const battles = new Map<string, { total: number; recent: number }>();
  for (const p of input.pairs) {
    allBattles += p.battles;
    allRecent += p.recent;
    const keys = new Set([groupKey.get(p.model_a), groupKey.get(p.model_b)].filter((k): k is string => !!k));
    for (const k of keys) {
      const b = battles.get(k) ?? { total: 0, recent: 0 };
      b.total += p.battles;
      b.recent += p.recent;
      battles.set(k, b);
    }
  }

  const appearance = new Map<string, number>();
  const groupShare = new Map<string, number>();
  for (const p of input.sampling) {
    for (const id of new Set([p.a, p.b])) appearance.set(id, (appearance.get(id) ?? 0) + p.probability);
    const keys = new Set([groupKey.get(p.a), groupKey.get(p.b)].filter((k): k is string => !!k));
    for (const k of keys) groupShare.set(k, (groupShare.get(k) ?? 0) + p.probability);
  }

  const embargoMs = input.embargoDays * DAY_MS;
  const shownId = (m: ModelRecord, disclosed: boolean) =>
    m.visibility === "private" && !disclosed ? (m.codename ?? "undisclosed") : m.id;
  const deprecations: TransparencyReport["deprecations"] = [];
  const publicModels: TransparencyReport["models"] = [];
  let totalVariants = 0;
  let totalInTesting = 0;

  const providers = [...groups.entries()].map(([key, g]) => {
    const releasedLines = new Set(
      g.models.filter((m) => m.visibility === "public" && m.family).map((m) => m.family!.toLowerCase()),
    );
    const disclosure = (m: ModelRecord): "released" | "line_released" | "embargo" | null => {
      if (m.visibility === "public") return "released";
      if (m.family && releasedLines.has(m.family.toLowerCase())) return "line_released";
      if (m.testingStartedAt != null && now - m.testingStartedAt >= embargoMs) return "embargo";
      return null;
    };
    const periods: TestPeriod[] = [];
    const variants = g.models
      .filter((m) => m.testingStartedAt != null)
      .map((m) => {
        const period = testPeriod(m)!;
        periods.push(period);
        const disclosed = disclosure(m);
        const status =
          m.visibility === "public"
            ? ("released" as const)
            : m.status === "deprecated"
              ? ("retired" as const)
              : m.status === "paused"
                ? ("paused" as const)
                : ("testing" as const);
        return {
          codename: m.codename ?? "undisclosed",
          name: disclosed ? m.name : null,
          model: disclosed ? m.id : null,
          status,
          testingStartedAt: iso(period.start)!,
          testingEndedAt: iso(period.end),
          disclosed,
        };
      })
      .sort((a, b) => a.testingStartedAt.localeCompare(b.testingStartedAt) || a.codename.localeCompare(b.codename));
    const inTesting = variants.filter((v) => v.testingEndedAt === null).length;
    totalVariants += variants.length;
    totalInTesting += inTesting;

    for (const m of g.models) {
      if (m.status === "deprecated" && m.deprecatedAt != null) {
        deprecations.push({
          model: shownId(m, disclosure(m) !== null),
          provider: g.name,
          deprecatedAt: iso(m.deprecatedAt)!,
          reason: m.deprecationReason ?? null,
        });
      }
      if (m.visibility === "public") {
        const votes = input.postReleaseVotes.get(m.id) ?? 0;
        const inputs = provisionalInputs(m, periods, votes, policy, now);
        publicModels.push({
          model: m.id,
          provider: g.name,
          releasedAt: iso(m.releasedAt),
          postReleaseVotes: votes,
          parallelPrivateVariants: inputs.parallelPrivateVariants,
          provisional: isProvisional(inputs, policy),
        });
      }
    }

    const b = battles.get(key) ?? { total: 0, recent: 0 };
    const samplingModels = g.models
      .filter((m) => (appearance.get(m.id) ?? 0) > 0)
      .map((m) => ({
        model: shownId(m, disclosure(m) !== null),
        weight: m.samplingWeight,
        appearance: round(appearance.get(m.id) ?? 0),
      }));
    return {
      name: g.name,
      kind: g.kind,
      models: {
        public: g.models.filter((m) => m.visibility === "public" && m.status !== "deprecated").length,
        private: g.models.filter((m) => m.visibility === "private" && m.status !== "deprecated").length,
        deprecated: g.models.filter((m) => m.status === "deprecated").length,
      },
      privateVariants: {
        total: variants.length,
        inTesting,
        maxParallel: maxParallel(periods, -Infinity, Infinity),
        variants,
      },
      battles: {
        total: b.total,
        share: allBattles ? round(b.total / allBattles) : 0,
        last30Days: b.recent,
        shareLast30Days: allRecent ? round(b.recent / allRecent) : 0,
      },
      sampling: { share: round(Math.min(1, groupShare.get(key) ?? 0)), models: samplingModels },
    };
  });

  providers.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  deprecations.sort((a, b) => b.deprecatedAt.localeCompare(a.deprecatedAt) || a.model.localeCompare(b.model));
  publicModels.sort((a, b) => a.model.localeCompare(b.model));
  return {
    schema: TRANSPARENCY_SCHEMA,
    generatedAt: new Date(now).toISOString(),
    policy: { embargoDays: input.embargoDays, provisional: { ...policy } },
    totals: {
      anonymousBattles: allBattles,
      anonymousBattlesLast30Days: allRecent,
      privateVariants: totalVariants,
      inTesting: totalInTesting,
    },
    providers,
    deprecations,
    winnersCurse: winnersCurses(models, input.privateEstimates ?? new Map()),
    samplingPolicy: samplingPolicyView(input),
    models: publicModels,
  };
}

/** The policy with the weights of every public pair; private models' pairs only as one share (no codename leaks). */
function samplingPolicyView(input: TransparencyInput): TransparencyReport["samplingPolicy"] {
  const isPublic = new Set(input.models.filter((m) => m.visibility === "public").map((m) => m.id));
  const pairs: { a: string; b: string; probability: number }[] = [];
  let privateShare = 0;
  for (const p of input.sampling) {
    if (isPublic.has(p.a) && isPublic.has(p.b)) pairs.push({ a: p.a, b: p.b, probability: round(p.probability) });
    else privateShare += p.probability;
  }
  pairs.sort((x, y) => y.probability - x.probability || (x.a + x.b < y.a + y.b ? -1 : 1));
  const policy = input.samplingPolicy ?? { policy: "weighted" as const, floor: 0.2, snapshot: null };
  return { ...policy, pairs, privatePairsShare: round(Math.min(1, privateShare)) };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
