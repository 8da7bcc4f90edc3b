// Reading /api/export/redteam.jsonl (DESIGN section 11): one finished ranked game per line,
// {"id","tstamp","player","model","kind","target","outcome":"win"|"loss"|"forfeit","turns","seconds"}.
// Why here and not in parse/: the lines are split by the battles parser's JsonlScanner (chunks split anywhere, CRLF,
// BOM, blank lines) and fail with the same InputError ("line N: …"), but a game is not a battle, so the row checks
// and the output (plain rows, not a BattleTable: a red-team export is thousands of games, not millions) are ours.
import { InputError, RowError, type RowErrorKind } from "./parse/errors";
import { JsonlScanner } from "./parse/jsonl";
import type { RedteamOutcome, RedteamRow } from "./redteam";

const OUTCOMES: ReadonlySet<string> = new Set<RedteamOutcome>(["win", "loss", "forfeit"]);

export interface RedteamParseResult {
  rows: RedteamRow[];
  /** Malformed lines skipped under skipInvalid, by "invalid:<kind>". */
  skipped: Record<string, number>;
}

function text(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) throw new RowError("missing_field", `missing field "${key}"`);
  if (typeof v !== "string" || v === "") throw new RowError("bad_value", `"${key}" must be a non-empty string`);
  return v;
}

function num(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (v === undefined || v === null) throw new RowError("missing_field", `missing field "${key}"`);
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new RowError("not_a_number", `"${key}" must be a non-negative number (got ${JSON.stringify(v)})`);
  return v;
}

/** Checks one parsed line; throws RowError. */
export function redteamRow(raw: unknown): RedteamRow {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new RowError("bad_row", `expected a JSON object, got ${Array.isArray(raw) ? "an array" : String(raw)}`);
  const o = raw as Record<string, unknown>;
  const outcome = text(o, "outcome");
  if (!OUTCOMES.has(outcome))
    throw new RowError("bad_value", `"outcome" must be "win", "loss" or "forfeit" (got ${JSON.stringify(outcome)})`);
  return {
    id: text(o, "id"),
    tstamp: num(o, "tstamp"),
    player: text(o, "player"),
    model: text(o, "model"),
    kind: text(o, "kind"),
    target: text(o, "target"),
    outcome: outcome as RedteamOutcome,
    turns: num(o, "turns"),
    seconds: num(o, "seconds"),
  };
}

/** Streaming parser: push decoded text chunks (split anywhere), then end(). Bad lines throw InputError("line N: …"). */
export function createRedteamParser(options: { skipInvalid?: boolean } = {}): {
  push(chunk: string): void;
  end(): RedteamParseResult;
} {
  const rows: RedteamRow[] = [];
  const skipped: Record<string, number> = {};
  const idLine = new Map<string, number>();
  const targetKind = new Map<string, { kind: string; line: number }>();
  const invalid = (kind: RowErrorKind, message: string, line: number) => {
    if (!options.skipInvalid) throw new InputError(message, line, kind);
    skipped[`invalid:${kind}`] = (skipped[`invalid:${kind}`] ?? 0) + 1;
  };
  const scanner = new JsonlScanner({
    row(raw, line) {
      let r: RedteamRow;
      try {
        r = redteamRow(raw);
        const first = idLine.get(r.id);
        if (first !== undefined)
          throw new RowError("bad_value", `duplicate game id "${r.id}" (first on line ${first})`);
        const tk = targetKind.get(r.target);
        if (tk && tk.kind !== r.kind)
          throw new RowError(
            "bad_value",
            `target "${r.target}" has kind "${r.kind}" but kind "${tk.kind}" on line ${tk.line} (target ids are unique across kinds)`,
          );
      } catch (e) {
        if (e instanceof RowError) return invalid(e.kind, e.message, line);
        throw e;
      }
      idLine.set(r.id, line);
      if (!targetKind.has(r.target)) targetKind.set(r.target, { kind: r.kind, line });
      rows.push(r);
    },
    invalid,
  });
  return {
    push: (chunk) => scanner.push(chunk),
    end() {
      scanner.end();
      return { rows, skipped };
    },
  };
}

/** Parses a whole export (tests, small inputs). */
export function parseRedteamJsonl(textIn: string, options: { skipInvalid?: boolean } = {}): RedteamParseResult {
  const p = createRedteamParser(options);
  p.push(textIn);
  return p.end();
}
