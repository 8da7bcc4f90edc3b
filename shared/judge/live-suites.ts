// Suites by name for the evaluation service: the built-in ones (suites.ts) and the dated `arena-hard-live-<date>`
// suites BenchBuilder-lite stored in R2 at `suites/arena-hard-live-<date>.json` (docs/judge.md "arena-hard-live").
// A dated suite is immutable once stored (the build refuses to overwrite it), so an isolate caches what it read.
import { z } from "zod";
import { readStoredJson } from "../core/stored-json";
import { LIVE_SUITE_NAME, LIVE_SUITE_PREFIX, type LiveSuite } from "./bench-builder";
import { loadSuite } from "./suites";
import type { Suite } from "./types";

export const liveSuiteKey = (name: string) => `suites/${name}.json`;

const StoredLiveSuite = z
  .object({
    suite: z.string().regex(LIVE_SUITE_NAME),
    version: z.number(),
    kind: z.literal("single"),
    turns: z.number(),
    questions: z.array(
      z.object({ id: z.string(), category: z.string(), cluster: z.string().optional(), turns: z.array(z.string()) }),
    ),
    provenance: z.object({}).passthrough(),
  })
  .passthrough();

const cache = new Map<string, LiveSuite>();

/** A live suite from R2, or null when there is none (or the name is not a live suite's). */
export async function loadLiveSuite(bucket: R2Bucket, name: string): Promise<LiveSuite | null> {
  if (!LIVE_SUITE_NAME.test(name)) return null;
  const hit = cache.get(name);
  if (hit) return hit;
  const s = (await readStoredJson(bucket, liveSuiteKey(name), StoredLiveSuite, "suite.invalid")) as LiveSuite | null;
  if (!s || s.suite !== name) return null;
  cache.set(name, s);
  return s;
}

/** A built-in suite, or a stored live one. */
export async function resolveSuite(bucket: R2Bucket, name: string): Promise<Suite | null> {
  return loadSuite(name) ?? (await loadLiveSuite(bucket, name));
}

/** Names of the stored live suites, newest first (at most `limit`). */
export async function liveSuiteNames(bucket: R2Bucket, limit = 100): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `suites/${LIVE_SUITE_PREFIX}`, cursor });
    for (const o of page.objects) {
      const name = /^suites\/(.+)\.json$/.exec(o.key)?.[1];
      if (name && LIVE_SUITE_NAME.test(name)) names.push(name);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return names.sort().reverse().slice(0, limit);
}
