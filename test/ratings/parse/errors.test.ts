// Malformed input: a clear InputError naming the line, or (skipInvalid) skipped and counted by reason.
import { describe, expect, it } from "vitest";
import { InputError, parseBattles, type InputFormat } from "../../../shared/ratings/parse";
import { errorOf } from "./helpers";

type Row = Record<string, unknown>;
const good: Row = { model_a: "a", model_b: "b", winner: "tie" };

/** Renders rows (the bad one third) in each format; returns [text, line of the bad row]. */
function render(format: InputFormat, bad: Row): [string, number] {
  const rows = [good, good, bad, good];
  if (format === "jsonl") return [rows.map((r) => JSON.stringify(r)).join("\n") + "\n", 3];
  if (format === "json") return ["[\n" + rows.map((r) => JSON.stringify(r)).join(",\n") + "\n]", 4];
  const cols = ["model_a", "model_b", "winner", "tstamp", "turn", "sampling_probability", "dedup_sampled"];
  const cell = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  return [[cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n"), 4];
}

const cases: [string, Row, string, string, InputFormat[]][] = [
  [
    "empty model name",
    { ...good, model_a: "" },
    "empty model name in model_a",
    "empty_model",
    ["csv", "json", "jsonl"],
  ],
  [
    "blank model name",
    { ...good, model_b: "  " },
    "empty model name in model_b",
    "empty_model",
    ["csv", "json", "jsonl"],
  ],
  [
    "unknown winner",
    { ...good, winner: "c" },
    'unknown winner "c" (expected model_a, model_b, tie, tie (bothbad))',
    "unknown_winner",
    ["csv", "json", "jsonl"],
  ],
  [
    "winner empty",
    { ...good, winner: "" },
    'unknown winner "" (expected model_a, model_b, tie, tie (bothbad))',
    "unknown_winner",
    ["csv", "json", "jsonl"],
  ],
  ["missing winner", { model_a: "a", model_b: "b" }, "missing winner", "missing_field", ["json", "jsonl"]],
  ["missing model_a", { model_b: "b", winner: "tie" }, "missing model_a", "missing_field", ["json", "jsonl"]],
  ["non-string model", { ...good, model_b: 7 }, 'model_b is not a string: "7"', "bad_value", ["json", "jsonl"]],
  [
    "non-numeric tstamp",
    { ...good, tstamp: "yesterday" },
    'tstamp is not a number: "yesterday"',
    "not_a_number",
    ["csv", "json", "jsonl"],
  ],
  [
    "non-numeric turn",
    { ...good, turn: "two" },
    'turn is not a number: "two"',
    "not_a_number",
    ["csv", "json", "jsonl"],
  ],
  [
    "non-numeric sampling_probability",
    { ...good, sampling_probability: "x" },
    'sampling_probability is not a number: "x"',
    "not_a_number",
    ["csv", "json", "jsonl"],
  ],
  [
    "sampling_probability out of range",
    { ...good, sampling_probability: 2 },
    'sampling_probability must be in (0, 1]: "2"',
    "not_a_number",
    ["csv", "json", "jsonl"],
  ],
  [
    "non-boolean dedup_sampled",
    { ...good, dedup_sampled: "often" },
    'dedup_sampled is not a boolean (true/false/1/0): "often"',
    "bad_value",
    ["csv", "json", "jsonl"],
  ],
  [
    "non-numeric conv_metadata",
    { ...good, conv_metadata: { sum_assistant_a_tokens: "many", sum_assistant_b_tokens: 1 } },
    'conv_metadata.sum_assistant_a_tokens is not a number: "many"',
    "not_a_number",
    ["json", "jsonl"],
  ],
  [
    "conv_metadata without token sums",
    { ...good, conv_metadata: { sum_user_tokens: 3 } },
    "conv_metadata needs sum_assistant_a_tokens and sum_assistant_b_tokens",
    "missing_field",
    ["json", "jsonl"],
  ],
  [
    "non-numeric header count",
    { ...good, conv_metadata: { sum_assistant_a_tokens: 1, sum_assistant_b_tokens: 1, header_count_b: { h2: "x" } } },
    'conv_metadata.header_count_b.h2 is not a number: "x"',
    "not_a_number",
    ["json", "jsonl"],
  ],
  [
    "categories not an array",
    { ...good, categories: 5 },
    'categories is not an array: "5"',
    "bad_value",
    ["json", "jsonl"],
  ],
];

describe("malformed rows", () => {
  for (const [name, bad, message, kind, formats] of cases)
    for (const format of formats)
      it(`${format}: ${name}`, () => {
        const [text, line] = render(format, bad);
        const e = errorOf(() => parseBattles(text, format));
        expect(e).toBeInstanceOf(InputError);
        expect(e.message).toBe(`line ${line}: ${message}`);
        expect((e as InputError).line).toBe(line);
        expect((e as InputError).kind).toBe(kind);
        const r = parseBattles(text, format, { skipInvalid: true });
        expect(r.table.length).toBe(3);
        expect(r.rows).toBe(4);
        expect(r.skipped).toEqual({ [`invalid:${kind}`]: 1 });
      });

  it("jsonl: invalid JSON line and non-object line", () => {
    const text = '{"model_a":"a","model_b":"b","winner":"tie"}\n\n{"model_a": "a",\n[1,2]\n';
    expect(errorOf(() => parseBattles(text, "jsonl")).message).toMatch(/^line 3: invalid JSON \(/);
    const r = parseBattles(text, "jsonl", { skipInvalid: true });
    expect(r.skipped).toEqual({ "invalid:bad_json": 1, "invalid:bad_row": 1 });
    expect(r.rows).toBe(3);
    expect(errorOf(() => parseBattles('{"model_a":"a","model_b":"b","winner":"tie"}\n"x"\n', "jsonl")).message).toBe(
      "line 2: expected a JSON object, got string",
    );
  });

  it("json: invalid element names the line where it starts", () => {
    const text = '[{"model_a":"a","model_b":"b","winner":"tie"},\n {"model_a": "a",\n  "model_b": x},\n null]';
    expect(errorOf(() => parseBattles(text, "json")).message).toMatch(/^line 2: invalid JSON in array element 2 \(/);
    const r = parseBattles(text, "json", { skipInvalid: true });
    expect(r.skipped).toEqual({ "invalid:bad_json": 1, "invalid:bad_row": 1 });
    expect(r.table.length).toBe(1);
  });

  it("json: structural errors are fatal even under skipInvalid", () => {
    const g = JSON.stringify(good);
    const fatal: [string, string][] = [
      [
        `{"a":1}`,
        'line 1: expected a JSON array of battles ("[" ...), found "{" (one object per line? use a .jsonl file)',
      ],
      [`[${g},]`, "line 1: trailing comma before ] in the JSON array"],
      [`[${g},,${g}]`, "line 1: empty element in the JSON array (two commas)"],
      [`[${g}]\n{}`, "line 2: unexpected content after the end of the JSON array"],
      [`[\n${g},\n${g}`, "line 3: unexpected end of input: the JSON array is not closed"],
      [
        `[\n${g},\n{"model_a": "a\\"]`,
        "line 3: unexpected end of input: the JSON array is not closed (inside a string)",
      ],
      [`[${g}}]`, "line 1: unbalanced } in the JSON array"],
    ];
    for (const [text, msg] of fatal)
      expect(errorOf(() => parseBattles(text, "json", { skipInvalid: true })).message).toBe(msg);
  });
});

describe("empty input", () => {
  const empties: [InputFormat, string][] = [
    ["csv", ""],
    ["csv", "model_a,model_b,winner\n"],
    ["csv", "model_a,model_b,winner\r\n\r\n"],
    ["json", ""],
    ["json", "  \n"],
    ["json", "[]"],
    ["json", "[ \n ]\n"],
    ["jsonl", ""],
    ["jsonl", "\n\n  \n"],
  ];
  for (const [format, text] of empties)
    it(`${format} ${JSON.stringify(text)} → "no battles in input"`, () => {
      const e = errorOf(() => parseBattles(text, format));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toBe("no battles in input");
      expect((e as InputError).line).toBeNull();
    });

  it("all rows skipped → no battles, with the reasons", () => {
    const text = JSON.stringify({ ...good, anony: false }) + "\n" + JSON.stringify({ ...good, winner: "?" });
    expect(errorOf(() => parseBattles(text, "jsonl", { skipInvalid: true })).message).toBe(
      "no battles in input (2 rows skipped: anony_false 1, invalid:unknown_winner 1)",
    );
  });
});
