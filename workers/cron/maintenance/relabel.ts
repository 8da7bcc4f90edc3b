// Maintenance pass 1, heuristic labels: battles whose labels predate HEURISTICS_REVISION are re-labelled from their
// text (retained transcript, or the DO while it lives); without text the derivable labels are recomputed from the
// row and the others are carried forward at the new version, marked "carried".
import { labelsOfBattle, staleLabelBattles } from "../../../d1/maintenance";
import { getBattleRow, refreshBattleLabels, upsertLabels, type Db, type LabelRow } from "../../../d1/queries";
import {
  classifyConversation,
  HEURISTIC_VERSIONS,
  HEURISTICS_REVISION,
  LONG_QUERY_TOKENS,
  SHORT_QUERY_TOKENS,
} from "../../../shared/data/categories";
import { loadConversation } from "../../../shared/battle/transcript";

export const RELABEL_BATCH = 100;

/** Re-labels up to `limit` stale battles; returns how many. */
export async function relabelStale(env: Env, d: Db, now: number, limit: number): Promise<number> {
  const stale = await staleLabelBattles(d, HEURISTICS_REVISION, limit);
  for (const id of stale) await relabelBattle(env, d, id, now);
  return stale.length;
}

/** Re-labels one battle with the current heuristic versions. Exported for tests. */
export async function relabelBattle(env: Env, d: Db, id: string, now: number): Promise<"text" | "carried" | "missing"> {
  const battle = await getBattleRow(d, id);
  if (!battle) return "missing";
  const conversation = await loadConversation(env, battle).catch(() => null);
  const row = (label: keyof typeof HEURISTIC_VERSIONS, value: boolean | null, detail: string | null): LabelRow => ({
    battleId: id,
    label,
    version: HEURISTIC_VERSIONS[label],
    value,
    detail,
    source: "heuristic",
    labelledAt: now,
  });
  if (conversation && conversation.userTurns.length > 0) {
    const r = await classifyConversation(conversation);
    const rows = [
      ...Object.entries(r.labels).map(([label, value]) => row(label as keyof typeof HEURISTIC_VERSIONS, value, null)),
      row("language", r.language !== null, r.language),
    ];
    await d.batch([
      upsertLabels(d, rows),
      refreshBattleLabels(d, id, now, { labelsRev: HEURISTICS_REVISION, promptHash: r.promptHash }),
    ]);
    return "text";
  }
  // No text: what the row itself says is recomputed; the rest keeps its old value at the new version.
  const old = new Map((await labelsOfBattle(d, id)).map((l) => [l.label, l] as const));
  const carried = (label: "coding" | "language") =>
    row(label, old.get(label)?.value ?? null, label === "language" ? (battle.language ?? null) : "carried");
  const rows = [
    row("multi_turn", battle.turns >= 2, null),
    row("long_query", battle.userTokens >= LONG_QUERY_TOKENS, null),
    row("short_query", battle.userTokens < SHORT_QUERY_TOKENS, null),
    carried("coding"),
    { ...carried("language"), value: battle.language !== null },
  ];
  await d.batch([upsertLabels(d, rows), refreshBattleLabels(d, id, now, { labelsRev: HEURISTICS_REVISION })]);
  return "carried";
}
