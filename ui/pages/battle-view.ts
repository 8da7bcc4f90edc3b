// `/battle/:id`: a read-only, shareable view of one battle (both conversations, the revealed models and the vote),
// loaded on demand by the arena entry. An anonymous battle that has not been voted on keeps its models hidden.
import { ApiError, getJson, postJson, describeError, type BattleState } from "../lib/api";
import { h, markReady } from "../lib/dom";
import { reasonText } from "../lib/duel";
import { renderMarkdown } from "../lib/markdown";
import { readHistory } from "../lib/storage";

const WINNERS = { a: "A is better", b: "B is better", tie: "tie", bothbad: "both are bad" } as const;

export async function showBattle(main: HTMLElement, id: string): Promise<void> {
  main.replaceChildren(h("p", { class: "muted", role: "status" }, "Loading the battle…"));
  let state: BattleState;
  try {
    state = await getJson<BattleState>(`/api/battles/${encodeURIComponent(id)}`);
  } catch (err) {
    const missing = err instanceof ApiError && err.status === 404;
    main.replaceChildren(
      h("h1", {}, missing ? "Battle not found" : "Could not load the battle"),
      h(
        "p",
        {},
        missing ? "This battle does not exist, or it expired before anyone voted on it. " : `${describeError(err)} `,
        h("a", { href: "/" }, "Start a new battle"),
        ".",
      ),
    );
    markReady();
    return;
  }

  const voted = state.status === "voted";
  const pane = (side: "a" | "b") => {
    const m = state.models?.[side];
    const transcript = h("div", {
      class: "transcript",
      tabindex: 0,
      role: "region",
      "aria-label": `Conversation with model ${side.toUpperCase()}`,
    });
    state.turns.forEach((t, i) => {
      const answer = h("div", { class: "md answer" });
      if (i === state.turns.length - 1) answer.setAttribute("data-testid", `answer-${side}`);
      renderMarkdown(answer, t[side]);
      transcript.append(
        h("div", { class: "msg user" }, h("span", { class: "sr-only" }, "You: "), t.user),
        h("div", { class: "msg bot" }, answer),
      );
    });
    if (state.turns.length === 0)
      transcript.append(h("p", { class: "empty-hint" }, "No messages were kept for this battle."));
    return h(
      "section",
      { class: `pane pane-${side}`, "aria-labelledby": `pane-${side}-title` },
      h(
        "header",
        { class: "pane-head" },
        h("h2", { id: `pane-${side}-title` }, `Model ${side.toUpperCase()}`),
        h(
          "span",
          { class: "model-name", "data-testid": `model-${side}` },
          ...(m ? [h("strong", {}, m.name), h("span", { class: "org" }, ` · ${m.organization}`)] : []),
        ),
      ),
      transcript,
    );
  };

  const summary = voted
    ? state.mode === "anonymous"
      ? state.counted
        ? "Voted; the vote counts toward the leaderboard."
        : (reasonText(state.reason) ?? "Voted; the vote does not count toward the leaderboard.")
      : "A named side-by-side comparison; its vote is stored but not rated."
    : "Not voted yet: the models stay anonymous until someone votes in the arena.";

  const mine = readHistory().find((e) => e.id === id);
  const yourVote = voted && mine?.winner ? `You voted: ${WINNERS[mine.winner]}. ` : "";

  const reportStatus = h("span", { class: "muted", role: "status" });
  const reason = h("textarea", {
    id: "report-reason",
    rows: 2,
    maxlength: 2000,
    required: true,
  }) as HTMLTextAreaElement;
  const report = h(
    "details",
    { class: "report" },
    h("summary", {}, "Report this battle"),
    h(
      "form",
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          try {
            await postJson(`/api/battles/${encodeURIComponent(id)}/report`, { reason: reason.value.trim() });
            reportStatus.textContent = "Thank you. A moderator will look at this battle.";
            reason.value = "";
          } catch (err) {
            reportStatus.textContent = describeError(err);
          }
        },
      },
      h("label", { for: "report-reason" }, "What is wrong with this battle?"),
      reason,
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Send report"), reportStatus),
    ),
  );

  main.replaceChildren(
    h(
      "div",
      { class: "page-intro" },
      h("h1", {}, state.mode === "anonymous" ? "Anonymous battle" : "Side-by-side comparison"),
      h("p", { class: "muted", "data-testid": "battle-summary" }, yourVote, summary),
    ),
    h("div", { class: "duel readonly" }, h("div", { class: "panes" }, pane("a"), pane("b"))),
    h("p", {}, h("a", { href: "/", class: "button primary" }, "Start your own battle")),
    report,
  );
  markReady();
}
