// Reader for Arena-Hard-Auto judgment files (`model_judgment/<judge>/<model>.jsonl`, DESIGN section 13): one JSON
// object per line with `question_id`, `model`, `judge` and `games: [{"user_prompt", "judgment", "score"}, …]`.
// A game's `score` (the verdict label) is what counts, with or without the judge's text; a game with no `score`
// key but a `judgment` text gets its label from our strict parser. Other fields are ignored. Errors name the
// source and line.
import { parsePairwiseVerdict } from "../judge/verdict";
import type { JudgmentRecord } from "./judge";

export class JudgmentParseError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    message: string,
  ) {
    super(`${source}:${line}: ${message}`);
    this.name = "JudgmentParseError";
  }
}

/** Parse one judgment file's text. `seen` (shared across files) rejects a (model, question) judged twice. */
export function parseJudgmentJsonl(
  text: string,
  source = "input",
  seen: Map<string, string> = new Map(),
): JudgmentRecord[] {
  const out: JudgmentRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const fail = (msg: string): never => {
      throw new JudgmentParseError(source, i + 1, msg);
    };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      fail("not valid JSON");
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) fail("not a JSON object");
    const r = row as Record<string, unknown>;
    const qid = typeof r.question_id === "number" ? String(r.question_id) : r.question_id;
    if (typeof qid !== "string" || qid === "") fail("question_id must be a non-empty string");
    if (typeof r.model !== "string" || r.model === "") fail("model must be a non-empty string");
    if (typeof r.judge !== "string" || r.judge === "") fail("judge must be a non-empty string");
    if (!Array.isArray(r.games) || r.games.length < 1 || r.games.length > 2)
      fail("games must be an array of 1 or 2 games");
    const games = (r.games as unknown[]).map((g, k) => {
      if (typeof g !== "object" || g === null || Array.isArray(g)) fail(`games[${k}] is not an object`);
      const game = g as Record<string, unknown>;
      if ("score" in game && game.score !== null && typeof game.score !== "string")
        fail(`games[${k}].score must be a verdict label string or null`);
      if ("judgment" in game && game.judgment !== null && typeof game.judgment !== "string")
        fail(`games[${k}].judgment must be a string`);
      const judgment = typeof game.judgment === "string" ? game.judgment : undefined;
      const score =
        "score" in game
          ? (game.score as string | null)
          : judgment !== undefined
            ? parsePairwiseVerdict(judgment)
            : null;
      return { score, ...(judgment !== undefined ? { judgment } : {}) };
    });
    const key = `${r.model as string}\u0000${qid as string}`;
    const where = `${source}:${i + 1}`;
    const prev = seen.get(key);
    if (prev) fail(`${r.model as string} on question ${qid as string} is judged twice (also ${prev})`);
    seen.set(key, where);
    out.push({ question_id: qid as string, model: r.model as string, judge: r.judge as string, games });
  }
  return out;
}
