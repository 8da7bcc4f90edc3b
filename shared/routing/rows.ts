// Input rows for the router CLI and the cron (DESIGN section 12): our conversations export
// (`/api/export/conversations.jsonl`: model_a, model_b, winner, conversation_a/b as [{role, content}]) or
// lmsys-arena-human-preference-55k rows (prompt as a JSON-encoded list of user turns, winner_model_a/b, winner_tie).
// The routed prompt is the last user message in both.
import type { RouterBattle, RouterWinner } from "./battles";

const WINNERS: ReadonlySet<string> = new Set(["model_a", "model_b", "tie", "tie (bothbad)"]);

/** Why a row was not used, or the battle. */
export type RowResult = { ok: true; battle: RouterBattle } | { ok: false; reason: string };

function lastUserTurn(conv: unknown): string | null {
  if (!Array.isArray(conv)) return null;
  for (let i = conv.length - 1; i >= 0; i--) {
    const m = conv[i] as { role?: unknown; content?: unknown } | null;
    if (m && m.role === "user" && typeof m.content === "string") return m.content;
  }
  return null;
}

function lastOfEncodedList(prompt: unknown): string | null {
  if (typeof prompt !== "string") return null;
  try {
    const list = JSON.parse(prompt) as unknown;
    if (Array.isArray(list)) {
      for (let i = list.length - 1; i >= 0; i--) if (typeof list[i] === "string") return list[i] as string;
      return null;
    }
    return typeof list === "string" ? list : null;
  } catch {
    // Some copies of the data set store the prompt as plain text.
    return prompt;
  }
}

const flag = (v: unknown) => v === 1 || v === true || v === "1";

export function routerBattleFromRow(row: unknown): RowResult {
  if (!row || typeof row !== "object") return { ok: false, reason: "not a JSON object" };
  const r = row as Record<string, unknown>;
  if (typeof r.model_a !== "string" || typeof r.model_b !== "string")
    return { ok: false, reason: "no model_a/model_b" };
  if (r.anony === false) return { ok: false, reason: "not anonymous" };
  let winner: RouterWinner;
  let prompt: string | null;
  if ("conversation_a" in r) {
    if (typeof r.winner !== "string" || !WINNERS.has(r.winner)) return { ok: false, reason: "bad winner" };
    winner = r.winner as RouterWinner;
    prompt = lastUserTurn(r.conversation_a) ?? lastUserTurn(r.conversation_b);
  } else if ("winner_model_a" in r || "winner_model_b" in r || "winner_tie" in r) {
    const a = flag(r.winner_model_a);
    const b = flag(r.winner_model_b);
    const t = flag(r.winner_tie);
    if (Number(a) + Number(b) + Number(t) !== 1)
      return { ok: false, reason: "not exactly one of winner_model_a/b/tie" };
    winner = a ? "model_a" : b ? "model_b" : "tie";
    prompt = lastOfEncodedList(r.prompt);
  } else return { ok: false, reason: "neither a conversations export row nor a 55k row" };
  if (prompt === null || prompt.trim() === "") return { ok: false, reason: "no user message" };
  return { ok: true, battle: { prompt, modelA: r.model_a, modelB: r.model_b, winner } };
}
