// JSONL: one JSON object per line; blank lines ignored; CRLF accepted. Chunks may split lines anywhere.

import type { RowSink } from "./sink";

export class JsonlScanner {
  private buf = "";
  private line = 0;
  /** Any sink with RowSink's two entry points: the battles' RowSink, or the red-team games' (redteam-parse.ts). */
  constructor(private readonly sink: Pick<RowSink, "row" | "invalid">) {}

  /** Lines read so far (a line without its newline counts once `end()` has read it). */
  get lines(): number {
    return this.line;
  }

  push(chunk: string): void {
    let s = this.buf + chunk;
    let start = 0;
    for (let nl = s.indexOf("\n"); nl >= 0; nl = s.indexOf("\n", start)) {
      this.line++;
      this.handle(s.slice(start, nl));
      start = nl + 1;
    }
    this.buf = start === 0 ? s : s.slice(start);
    s = "";
  }

  /** One line's value, already parsed (the cron worker's export rows): the same as pushing its JSON text. */
  value(v: unknown): void {
    if (this.buf !== "") throw new Error("JsonlScanner: value() in the middle of a text line");
    this.line++;
    this.sink.row(v, this.line);
  }

  end(): void {
    if (this.buf !== "") {
      this.line++;
      this.handle(this.buf);
      this.buf = "";
    }
  }

  private handle(text: string): void {
    if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const t = text.trim();
    if (t === "") return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      this.sink.invalid("bad_json", `invalid JSON (${e instanceof Error ? e.message : String(e)})`, this.line);
      return;
    }
    this.sink.row(v, this.line);
  }
}
