import { createParser, type InputFormat, type ParseOptions, type ParseResult } from "../../shared/ratings/parse";
import { mulberry32 } from "../../shared/random";

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
    styleA: t.styleA && Array.from(t.styleA),
    styleB: t.styleB && Array.from(t.styleB),
    samplingProbability: t.samplingProbability && Array.from(t.samplingProbability),
    ids: t.ids,
    tstamp: t.tstamp && Array.from(t.tstamp),
    rows: r.rows,
    skipped: r.skipped,
    excluded: r.excluded,
    droppedCategories: r.droppedCategories,
  };
}

export function parseChunks(chunks: string[], format: InputFormat, options: ParseOptions = {}): ParseResult {
  const p = createParser(format, options);
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
