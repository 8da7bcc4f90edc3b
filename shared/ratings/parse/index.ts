// Battle input parsers (DESIGN section 7): CSV, JSON (FastChat clean_battle array, streamed) and JSONL, fed
// decoded text chunks split anywhere, producing the columnar BattleTable. Pure TypeScript, no platform
// imports: the CLI decodes file bytes with a streaming TextDecoder and pushes the strings. See README.md.

import { CsvScanner } from "./csv";
import { JsonArrayScanner } from "./json";
import { JsonlScanner } from "./jsonl";
import { InputError } from "./errors";
import { RowSink, type ParsedPart, type ParseOptions, type ParseResult } from "./sink";

export { InputError, RowError, type RowErrorKind } from "./errors";
export { TableBuilder, MAX_CATEGORIES, type BattleRow, type BuiltTable } from "./builder";
export {
  normaliseRow,
  languageCode,
  WINNER_CODES,
  LANGUAGE_NAMES,
  SHORT_QUERY_TOKENS,
  LONG_QUERY_TOKENS,
} from "./normalize";
export type { ParsedPart, ParseOptions, ParseResult } from "./sink";
export type { TablePart } from "./builder";

export type InputFormat = "csv" | "json" | "jsonl";

export interface BattleParser {
  /** Feeds the next piece of decoded text. Throws InputError on a bad row unless skipInvalid. */
  push(chunk: string): void;
  /** Ends the input; throws InputError("no battles in input") when no row was kept. */
  end(): ParseResult;
}

export function createParser(format: InputFormat, options: ParseOptions = {}): BattleParser {
  const sink = new RowSink(options);
  const scanner =
    format === "csv" ? new CsvScanner(sink) : format === "json" ? new JsonArrayScanner(sink) : new JsonlScanner(sink);
  let done = false;
  return {
    push(chunk: string) {
      if (done) throw new Error("parser: push() after end()");
      scanner.push(chunk);
    },
    end() {
      if (done) throw new Error("parser: end() called twice");
      done = true;
      scanner.end();
      return sink.finish();
    },
  };
}

/**
 * A JSONL parser fed values instead of text: `push(v)` is `push(JSON.stringify(v) + "\n")` without the round trip.
 * The cron worker uses it for the export lines it has just written, which are plain JSON data (no undefined,
 * NaN or -0), so JSON.parse(JSON.stringify(v)) would give back v and the table is the one the CLI builds.
 */
export function createValueParser(options: ParseOptions = {}): { push(value: unknown): void; end(): ParseResult } {
  const sink = new RowSink(options);
  const scanner = new JsonlScanner(sink);
  return {
    push: (value) => scanner.value(value),
    end: () => {
      scanner.end();
      return sink.finish();
    },
  };
}

/**
 * A JSONL parser for one slice of a file (whole lines; the CLI parses a large file's slices on several threads):
 * `end()` gives the slice's rows and counts as a `ParsedPart` instead of a table. An InputError stops the slice
 * and travels in the part, so the merge can tell whether an earlier slice's problem comes first.
 */
export function createPartParser(options: ParseOptions = {}): { push(chunk: string): void; end(): ParsedPart } {
  const sink = new RowSink(options);
  const scanner = new JsonlScanner(sink);
  let error: InputError | null = null;
  const guarded = (f: () => void) => {
    if (error) return;
    try {
      f();
    } catch (e) {
      if (e instanceof InputError) error = e;
      else throw e;
    }
  };
  return {
    push: (chunk) => guarded(() => scanner.push(chunk)),
    end: () => {
      guarded(() => scanner.end());
      return sink.part(scanner.lines, error);
    },
  };
}

/**
 * Joins slices parsed by `createPartParser`, given in file order, into the ParseResult one parser fed the whole
 * file would return (the same table, counts and first error: `test/ratings/parse/parallel.test.ts`).
 */
export function mergeParsedParts(parts: readonly ParsedPart[], options: ParseOptions = {}): ParseResult {
  const total = parts.reduce((n, p) => n + p.part.length, 0);
  const sink = new RowSink({ ...options, initialCapacity: Math.max(1, total) });
  let offset = 0;
  for (const p of parts) {
    sink.absorb(p, offset);
    offset += p.lines;
  }
  return sink.finish();
}

/** Parses a whole string (tests, small inputs). */
export function parseBattles(text: string, format: InputFormat, options: ParseOptions = {}): ParseResult {
  const p = createParser(format, options);
  p.push(text);
  return p.end();
}

/** Input format from a file name's extension (.csv, .json, .jsonl; case-insensitive), or null. */
export function formatFromPath(path: string): InputFormat | null {
  const m = /\.(csv|json|jsonl)$/i.exec(path);
  return m ? (m[1]!.toLowerCase() as InputFormat) : null;
}
