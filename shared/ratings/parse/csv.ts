// CSV with a header row: RFC 4180 quoting (quoted fields may hold commas, doubled quotes and newlines), CRLF, LF
// or CR line ends, optional UTF-8 BOM. Chunks may split anywhere (inside a quoted field, between CR and LF, or
// between the two quotes of an escaped quote). Lenient like Python's csv: a quote inside an unquoted field, or
// text after a closing quote, is kept literally. Blank lines are ignored.

import { InputError } from "./errors";
import type { RowSink } from "./sink";

const REQUIRED = ["model_a", "model_b", "winner"] as const;

export class CsvScanner {
  private header: string[] | null = null;
  private record: string[] = [];
  private field = "";
  private fieldQuoted = false;
  private recordQuoted = false;
  private inQuotes = false;
  /** A quote ended the previous chunk inside a quoted field: closing quote or first half of "" ? */
  private quotePending = false;
  private pendingCR = false;
  private line = 1;
  private recordLine = 1;

  constructor(private readonly sink: RowSink) {}

  push(chunk: string): void {
    const n = chunk.length;
    let i = 0;
    if (this.pendingCR && n > 0) {
      this.pendingCR = false;
      if (chunk.charCodeAt(0) === 0x0a) i = 1;
    }
    if (this.quotePending && i < n) {
      this.quotePending = false;
      if (chunk.charCodeAt(i) === 0x22) {
        this.field += '"';
        i++;
      } else this.inQuotes = false;
    }
    while (i < n) {
      if (this.inQuotes) {
        const j = chunk.indexOf('"', i);
        const end = j < 0 ? n : j;
        const part = chunk.slice(i, end);
        this.field += part;
        for (let k = part.indexOf("\n"); k >= 0; k = part.indexOf("\n", k + 1)) this.line++;
        if (j < 0) return;
        i = j + 1;
        if (i === n) {
          this.quotePending = true;
          return;
        }
        if (chunk.charCodeAt(i) === 0x22) {
          this.field += '"';
          i++;
        } else this.inQuotes = false;
        continue;
      }
      // Unquoted: copy up to the next special character.
      let j = i;
      let c = 0;
      for (; j < n; j++) {
        c = chunk.charCodeAt(j);
        if (c === 0x2c || c === 0x22 || c === 0x0a || c === 0x0d) break;
      }
      if (j > i) this.field += chunk.slice(i, j);
      if (j === n) return;
      i = j + 1;
      if (c === 0x2c) this.endField();
      else if (c === 0x22) {
        if (this.field === "" && !this.fieldQuoted) {
          this.inQuotes = true;
          this.fieldQuoted = true;
        } else this.field += '"';
      } else {
        this.endField();
        this.line++;
        this.endRecord();
        if (c === 0x0d) {
          if (i < n) {
            if (chunk.charCodeAt(i) === 0x0a) i++;
          } else this.pendingCR = true;
        }
      }
    }
  }

  end(): void {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      this.inQuotes = false;
      this.record = [];
      this.field = "";
      this.fieldQuoted = this.recordQuoted = false;
      this.sink.invalid("bad_row", 'unterminated quoted field (missing closing ")', this.recordLine);
      return;
    }
    if (this.field !== "" || this.fieldQuoted || this.record.length > 0) {
      this.endField();
      this.endRecord();
    }
  }

  private endField(): void {
    this.record.push(this.field);
    if (this.fieldQuoted) this.recordQuoted = true;
    this.field = "";
    this.fieldQuoted = false;
  }

  private endRecord(): void {
    const rec = this.record;
    const line = this.recordLine;
    this.record = [];
    this.recordLine = this.line;
    const quoted = this.recordQuoted;
    this.recordQuoted = false;
    if (rec.length === 1 && rec[0] === "" && !quoted) return; // blank line
    if (this.header === null) {
      const h = rec.map((s, k) => (k === 0 && s.charCodeAt(0) === 0xfeff ? s.slice(1) : s).trim());
      const missing = REQUIRED.filter((r) => !h.includes(r));
      if (missing.length > 0)
        throw new InputError(
          `CSV header is missing required column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} (found: ${h.join(", ")})`,
          line,
          "header",
        );
      this.header = h;
      return;
    }
    const header = this.header;
    if (rec.length !== header.length) {
      this.sink.invalid("bad_row", `expected ${header.length} fields as in the header, got ${rec.length}`, line);
      return;
    }
    const obj: Record<string, string> = {};
    for (let k = 0; k < header.length; k++) obj[header[k]!] = rec[k]!;
    this.sink.row(obj, line);
  }
}
