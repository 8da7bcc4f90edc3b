// Errors raised by the battle input parsers (DESIGN section 7). Pure TypeScript.

/** Why a row was rejected. Used as the key of `ParseResult.skipped` (prefixed "invalid:") under skipInvalid. */
export type RowErrorKind =
  | "missing_field" // a required field (model_a, model_b, winner) is absent or null
  | "empty_model" // model_a or model_b is an empty string
  | "unknown_winner" // winner not one of the accepted spellings
  | "not_a_number" // a numeric field (tstamp, turn, sampling_probability, conv_metadata counts) is not a number
  | "bad_value" // a boolean/flag/category/metadata field has the wrong type or an unreadable value
  | "bad_json" // a JSONL line or JSON array element is not valid JSON
  | "bad_row"; // not an object (JSON) / wrong number of fields (CSV) / unterminated quoted field

/** A problem with one row; the parser turns it into an InputError (with the line) or a skip count. */
export class RowError extends Error {
  constructor(
    readonly kind: RowErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "RowError";
  }
}

/**
 * A problem with the input the CLI should print as-is (no stack trace). `line` is the 1-based physical line
 * where the offending row starts (CSV: line 1 is the header), or null for whole-input problems such as
 * "no battles in input".
 */
export class InputError extends Error {
  constructor(
    /** The message without its "line N: " prefix (a parallel parse re-lines a part's error with it). */
    readonly detail: string,
    readonly line: number | null = null,
    readonly kind:
      RowErrorKind | "no_battles" | "header" | "too_many_categories" | "too_many_models" | "syntax" = "syntax",
  ) {
    super(line === null ? detail : `line ${line}: ${detail}`);
    this.name = "InputError";
  }
}
