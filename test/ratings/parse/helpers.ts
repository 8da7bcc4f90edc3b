import { createParser, type InputFormat, type ParseOptions, type ParseResult } from "../../../shared/ratings/parse";
import { mulberry32 } from "../../../shared/core/random";
import { styleDifference } from "../../../shared/ratings/table";

/** Plain-object view of a result, for deep equality (typed arrays → arrays). */
export function snapshot(r: ParseResult) {
  const t = r.table;
  return {
    length: t.length,
    models: t.models,
    modelA: Array.from(t.modelA),
    modelB: Array.from(t.modelB),
    outcome: Array.from(t.outcome),
    categories: t.categories,
    categoryBits: Array.from(t.categoryBits),
    style: t.style && Array.from(t.style),
    samplingProbability: t.samplingProbability && Array.from(t.samplingProbability),
    ids: r.ids,
    latestTstamp: t.latestTstamp,
    tstamp: t.tstamp ? Array.from(t.tstamp) : null,
    rows: r.rows,
    skipped: r.skipped,
    excluded: r.excluded,
    droppedCategories: r.droppedCategories,
  };
}

export function parseChunks(chunks: string[], format: InputFormat, options: ParseOptions = {}): ParseResult {
  const p = createParser(format, { keepIds: true, ...options });
  for (const c of chunks) p.push(c);
  return p.end();
}

export function splitAt(text: string, cuts: number[]): string[] {
  const out: string[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  out.push(text.slice(prev));
  return out;
}

/** Deterministic PRNG (mulberry32). */
export const rng = mulberry32;

/** Names of the categories of row i. */
export function rowCategories(r: ParseResult, i: number): string[] {
  const bits = r.table.categoryBits[i]!;
  return r.table.categories.filter((_, k) => (bits >>> k) & 1).sort();
}

/** Runs fn and returns the thrown error's message (fails if nothing is thrown). */
export function errorOf(fn: () => unknown): Error & { line?: number | null; kind?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { line?: number | null };
  }
  throw new Error("expected an error");
}

/** The table's style features for per-side counts [length, header, list, bold], as the parser stores them. */
export function styleOf(a: number[], b: number[]): number[] {
  return a.map((x, f) => styleDifference(x, b[f]!));
}
