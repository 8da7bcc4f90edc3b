// Battle input parsers (DESIGN section 7): CSV, JSON (FastChat clean_battle array, streamed) and JSONL, fed
// decoded text chunks split anywhere, producing the columnar BattleTable. Pure TypeScript, no platform
// imports: the CLI decodes file bytes with a streaming TextDecoder and pushes the strings. See README.md.

import { CsvScanner } from "./csv";
import { JsonArrayScanner } from "./json";
import { JsonlScanner } from "./jsonl";
import { RowSink, type ParseOptions, type ParseResult } from "./sink";

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
export type { ParseOptions, ParseResult } from "./sink";

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
