// Shared row handling for the three parsers: normalise, skip/count or raise with the line number, append.

import type { StyleFeature } from "../table";
import { TableBuilder, type BuilderOptions, type TablePart } from "./builder";
import { InputError, RowError, type RowErrorKind } from "./errors";
import { normaliseRow } from "./normalize";
import type { BattleTable } from "../table";

export interface ParseOptions extends BuilderOptions {
  /** Skip malformed rows (counted in `skipped` under "invalid:<kind>") instead of throwing InputError. */
  skipInvalid?: boolean;
  /** Also return the kept rows' ids (`ParseResult.ids`): tests and audits; the engine never needs them. */
  keepIds?: boolean;
}

export interface ParseResult {
  table: BattleTable;
  /** Data rows read (kept + skipped), not counting a CSV header or blank lines. */
  rows: number;
  /**
   * Rows not in the table, by reason: "anony_false", "excluded:<excluded_reason>", and under skipInvalid
   * "invalid:<kind>" (missing_field, empty_model, unknown_winner, not_a_number, bad_value, bad_json, bad_row).
   */
  skipped: Record<string, number>;
  /** The excluded_reason counts alone (DESIGN section 6 `data.excluded`). */
  excluded: Record<string, number>;
  /** lang_<code> boards that did not fit in the 32 category bits. */
  droppedCategories: string[];
  /** Requested style features (ParseOptions.styleFeatures) no row had counts for, so left out, e.g. ["emoji"]. */
  missingStyleFeatures?: StyleFeature[];
  /** With `keepIds`: each table row's id (null when the row had none); otherwise null. */
  ids: (string | null)[] | null;
}

/**
 * One slice of a file parsed on its own (a parallel parse): its rows as a `TablePart`, its counts, the number of
 * lines it spans, and the error that stopped it (the line counted from the slice's start), if any.
 */
export interface ParsedPart {
  part: TablePart;
  rows: number;
  lines: number;
  skipped: Record<string, number>;
  excluded: Record<string, number>;
  ids: (string | null)[] | null;
  error: { detail: string; line: number | null; kind: InputError["kind"] } | null;
}

export class RowSink {
  readonly builder: TableBuilder;
  private rows = 0;
  private readonly skipped: Record<string, number> = {};
  private readonly excluded: Record<string, number> = {};
  private readonly skipInvalid: boolean;
  private readonly ids: (string | null)[] | null;

  constructor(options: ParseOptions) {
    this.skipInvalid = options.skipInvalid ?? false;
    this.ids = options.keepIds ? [] : null;
    this.builder = new TableBuilder(options);
  }

  /** One data row (a parsed value) starting at `line`. */
  row(raw: unknown, line: number): void {
    this.rows++;
    try {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new RowError(
          "bad_row",
          `expected a JSON object, got ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}`,
        );
      const r = normaliseRow(raw as Record<string, unknown>);
      if ("skip" in r) {
        this.count(r.skip);
        if (r.skip.startsWith("excluded:")) {
          const reason = r.skip.slice("excluded:".length);
          this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
        }
      } else {
        this.builder.add(r.row, line);
        this.ids?.push(r.row.id);
      }
    } catch (e) {
      if (e instanceof RowError) this.invalid(e.kind, e.message, line, false);
      else throw e;
    }
  }

  /** A row that could not even be read (bad JSON, wrong CSV field count). */
  invalid(kind: RowErrorKind, message: string, line: number, countRow = true): void {
    if (countRow) this.rows++;
    if (!this.skipInvalid) throw new InputError(message, line, kind);
    this.count(`invalid:${kind}`);
  }

  /** Ends this sink with its rows as a part (see ParsedPart); `lines` and `error` are the scanner's to give. */
  part(lines: number, error: InputError | null): ParsedPart {
    return {
      part: this.builder.part(),
      rows: this.rows,
      lines,
      skipped: this.skipped,
      excluded: this.excluded,
      ids: this.ids,
      error: error && { detail: error.detail, line: error.line, kind: error.kind },
    };
  }

  /**
   * Appends a slice parsed elsewhere, after everything so far (`lineOffset` lines of the file come before it), as
   * if its rows had come through `row()`: counts merge in first-seen order, and the slice's error, if any, is
   * thrown at the file's line.
   */
  absorb(parsed: ParsedPart, lineOffset: number): void {
    this.builder.absorb(parsed.part, lineOffset);
    this.rows += parsed.rows;
    for (const [key, n] of Object.entries(parsed.skipped)) this.skipped[key] = (this.skipped[key] ?? 0) + n;
    for (const [key, n] of Object.entries(parsed.excluded)) this.excluded[key] = (this.excluded[key] ?? 0) + n;
    if (this.ids && parsed.ids) for (const id of parsed.ids) this.ids.push(id);
    const e = parsed.error;
    if (e) throw new InputError(e.detail, e.line === null ? null : e.line + lineOffset, e.kind);
  }

  finish(): ParseResult {
    const { table, droppedCategories, missingStyleFeatures } = this.builder.finish();
    if (table.length === 0) {
      const why = Object.entries(this.skipped)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      throw new InputError(
        `no battles in input${why ? ` (${this.rows} rows skipped: ${why})` : ""}`,
        null,
        "no_battles",
      );
    }
    return {
      table,
      rows: this.rows,
      skipped: this.skipped,
      excluded: this.excluded,
      droppedCategories,
      missingStyleFeatures,
      ids: this.ids,
    };
  }

  private count(key: string): void {
    this.skipped[key] = (this.skipped[key] ?? 0) + 1;
  }
}
