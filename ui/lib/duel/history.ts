// The duel's local history (ui/lib/storage.ts keeps it in localStorage): one entry per battle, saved as it starts,
// after each turn and with the vote, and the list under the duel showing this mode's entries.
import type { Winner } from "../api";
import { h } from "../dom";
import { readHistory, saveHistory, type HistoryEntry } from "../storage";
import type { DuelMode } from "./mode";
import { WINNER_TEXT } from "./view";

/** Saves a battle's entry: its first prompt (140 characters), its turns, and when it started (kept once set). */
export function saveToHistory(battle: { id: string; mode: DuelMode; prompt: string; turns: number }): void {
  saveHistory({
    id: battle.id,
    mode: battle.mode,
    prompt: battle.prompt.slice(0, 140),
    createdAt: readHistory().find((e) => e.id === battle.id)?.createdAt ?? Date.now(),
    turns: battle.turns,
  });
}

/** Adds the vote and the revealed names to a battle's entry. */
export function saveVoteToHistory(id: string, winner: Winner, models: { a: string; b: string }): void {
  saveHistory({ id, winner, models });
}

/** Fills `list` with this mode's past battles, newest first. */
export function renderHistory(list: HTMLElement, mode: DuelMode): void {
  const entries = readHistory().filter((e: HistoryEntry) => e.mode === mode);
  if (entries.length === 0) {
    list.replaceChildren(h("li", { class: "muted" }, "No battles yet."));
    return;
  }
  list.replaceChildren(
    ...entries.map((e) =>
      h(
        "li",
        {},
        h("a", { href: `/battle/${e.id}` }, e.prompt || "(no prompt)"),
        h(
          "span",
          { class: "muted small" },
          ` · ${new Date(e.createdAt).toLocaleString()} · ${e.turns} turn${e.turns === 1 ? "" : "s"}`,
          e.winner && e.models
            ? ` · ${e.models.a} vs ${e.models.b}: ${WINNER_TEXT[e.winner]}`
            : e.winner
              ? ""
              : " · not voted",
        ),
      ),
    ),
  );
}
