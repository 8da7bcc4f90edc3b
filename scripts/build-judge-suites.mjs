#!/usr/bin/env node
// Rebuilds the judge suites (shared/judge/suites/*.json) from the golden reference data (../shared/golden/judge/,
// see its README for provenance and licences): `node scripts/build-judge-suites.mjs [GOLDEN_DIR]`. One-off: the
// suites are committed, versioned data; neither the Worker nor a test reads the golden folder.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const golden = path.resolve(process.argv[2] ?? path.join(root, "../shared/golden/judge"));
const out = path.join(root, "shared/judge/suites");
const jsonl = (file) =>
  readFileSync(path.join(golden, file), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

// One question per line keeps diffs readable while the file stays plain JSON (importable by the Worker bundle).
function write(name, head, questions) {
  const lines = questions.map((q) => JSON.stringify(q));
  const text = `${JSON.stringify(head).slice(0, -1)},"questions":[\n${lines.join(",\n")}\n]}\n`;
  JSON.parse(text);
  writeFileSync(path.join(out, name), text);
  console.error(`${name}: ${questions.length} questions, ${text.length} bytes`);
}

// Arena-Hard v0.1: 500 prompts, each with the gpt-4-0314 baseline answer.
const baseline = new Map(jsonl("arena-hard-v0.1/model_answer/gpt-4-0314.jsonl").map((r) => [r.uid, r]));
write(
  "arena-hard-v0.1.json",
  { suite: "arena-hard-v0.1", version: 1, kind: "pairwise", baseline: "gpt-4-0314", turns: 1 },
  jsonl("arena-hard-v0.1/question.jsonl").map((q) => {
    const b = baseline.get(q.uid);
    const answer = b?.messages?.[1]?.content?.answer;
    return {
      id: q.uid,
      category: q.category,
      cluster: q.cluster,
      turns: [q.prompt],
      ...(typeof answer === "string" ? { baselineAnswers: [answer] } : {}),
    };
  }),
);

// MT-Bench: 80 two-turn questions; GPT-4 reference answers (both turns) for math, reasoning and coding.
const NEEDS_REFERENCE = new Set(["math", "reasoning", "coding"]);
const refs = new Map(jsonl("mt_bench/reference_answer/gpt-4.jsonl").map((r) => [r.question_id, r.choices[0].turns]));
write(
  "mt-bench.json",
  { suite: "mt-bench", version: 1, kind: "single", turns: 2, referenceCategories: [...NEEDS_REFERENCE] },
  jsonl("mt_bench/question.jsonl").map((q) => {
    const ref = NEEDS_REFERENCE.has(q.category) ? refs.get(q.question_id) : undefined;
    return { id: String(q.question_id), category: q.category, turns: q.turns, ...(ref ? { reference: ref } : {}) };
  }),
);
