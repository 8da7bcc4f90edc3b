// The duel's markup: both panes, the vote bar, the banners, the composer and the history list, built once. Nothing
// here holds state; ui/lib/duel/index.ts drives these elements. DESIGN section 4a fixes the data-testids used here.
import type { ModelReveal, Side, Winner } from "../api";
import { h } from "../dom";
import type { DuelMode } from "./mode";
import type { ReportWidget } from "./report";

export type { DuelMode };

/**
 * The prompt box's maxlength, the default of the server's limit (MAX_PROMPT_CHARS in wrangler.toml, read by
 * shared/core/config.ts, which has no constant to import and needs the Worker's `Env` type). A longer prompt is a 422.
 */
const MAX_PROMPT_CHARS = 30_000;

export const PROMPT_PLACEHOLDER = "Ask anything… (Enter to send, Shift+Enter for a new line)";

export const VOTES: { winner: Winner; label: string; key: string; testid: string }[] = [
  { winner: "a", label: "A is better", key: "1", testid: "vote-a" },
  { winner: "b", label: "B is better", key: "2", testid: "vote-b" },
  { winner: "tie", label: "Tie", key: "3", testid: "vote-tie" },
  { winner: "bothbad", label: "Both are bad", key: "4", testid: "vote-bothbad" },
];

export const WINNER_TEXT: Record<Winner, string> = {
  a: "A is better",
  b: "B is better",
  tie: "a tie",
  bothbad: "both are bad",
};

/** What the duel's controls call. */
export interface DuelHandlers {
  send(): void;
  stop(): void;
  regenerate(): void;
  newRound(): void;
  vote(winner: Winner): void;
}

/** The elements the duel updates. */
export interface DuelView {
  el: HTMLElement;
  transcripts: Record<Side, HTMLElement>;
  names: Record<Side, HTMLElement>;
  statuses: Record<Side, HTMLElement>;
  voteBar: HTMLElement;
  voteButtons: HTMLButtonElement[];
  result: HTMLElement;
  warning: HTMLElement;
  errorBanner: HTMLElement;
  prompt: HTMLTextAreaElement;
  sendButton: HTMLButtonElement;
  stopButton: HTMLButtonElement;
  regenButton: HTMLButtonElement;
  newButton: HTMLButtonElement;
  historyList: HTMLElement;
}

export function buildDuelView(opts: { mode: DuelMode; report: ReportWidget; on: DuelHandlers }): DuelView {
  const { mode, report, on } = opts;
  const anonymous = mode === "anonymous";
  const transcripts = {} as Record<Side, HTMLElement>;
  const names = {} as Record<Side, HTMLElement>;
  const statuses = {} as Record<Side, HTMLElement>;
  const pane = (side: Side) => {
    const upper = side.toUpperCase();
    const name = h("span", { class: "model-name", "data-testid": `model-${side}` });
    const status = h("span", { class: "pane-status", "aria-live": "polite" });
    const transcript = h("div", {
      class: "transcript",
      tabindex: 0,
      role: "region",
      "aria-label": `Conversation with model ${upper}`,
    });
    transcripts[side] = transcript;
    names[side] = name;
    statuses[side] = status;
    return h(
      "section",
      { class: `pane pane-${side}`, "aria-labelledby": `pane-${side}-title` },
      h("header", { class: "pane-head" }, h("h2", { id: `pane-${side}-title` }, `Model ${upper}`), name, status),
      transcript,
    );
  };

  const voteButtons = VOTES.map((v) =>
    h(
      "button",
      {
        type: "button",
        class: `vote vote-${v.winner}`,
        "data-testid": v.testid,
        "aria-keyshortcuts": `${v.key} Alt+${v.key}`,
        onclick: () => on.vote(v.winner),
      },
      v.label,
      " ",
      h("kbd", { "aria-hidden": "true" }, v.key),
    ),
  );
  const voteBar = h(
    "div",
    { class: "vote-bar", role: "group", "aria-labelledby": "vote-title", hidden: true },
    h(
      "p",
      { id: "vote-title", class: "vote-title" },
      anonymous ? "Which answer is better? Your vote reveals the models." : "Which answer is better?",
      h("span", { class: "hint" }, " Keys 1–4 (Alt+1–4 while typing)."),
    ),
    h("div", { class: "vote-buttons" }, voteButtons),
  );
  const result = h("div", { class: "result", "data-testid": "vote-result", role: "status", hidden: true });
  const warning = h("div", { class: "banner warn", "data-testid": "leak-warning", role: "status", hidden: true });
  const errorBanner = h("div", { class: "banner error", "data-testid": "error-banner", role: "alert", hidden: true });

  const prompt = h("textarea", {
    id: `prompt-${mode}`,
    "data-testid": "prompt-input",
    rows: 3,
    maxlength: MAX_PROMPT_CHARS,
    placeholder: PROMPT_PLACEHOLDER,
    autocomplete: "off",
  }) as HTMLTextAreaElement;
  const sendButton = h("button", { type: "submit", class: "primary", "data-testid": "send", disabled: true }, "Send");
  const stopButton = h("button", { type: "button", "data-testid": "stop", disabled: true, onclick: on.stop }, "Stop");
  const regenButton = h(
    "button",
    { type: "button", "data-testid": "regenerate", disabled: true, onclick: on.regenerate },
    "Regenerate",
  );
  const newButton = h("button", { type: "button", "data-testid": "new-round", onclick: on.newRound }, "New round");
  const historyList = h("ol", { class: "history-list" });

  const composer = h(
    "form",
    {
      class: "composer",
      onsubmit: (e: Event) => {
        e.preventDefault();
        on.send();
      },
    },
    h("label", { for: prompt.id, class: "sr-only" }, "Your prompt"),
    prompt,
    h(
      "div",
      { class: "actions" },
      sendButton,
      stopButton,
      regenButton,
      newButton,
      h("span", { class: "spacer" }),
      report.button,
    ),
    report.form,
  );

  const el = h(
    "div",
    { class: "duel" },
    warning,
    errorBanner,
    h("div", { class: "panes" }, pane("a"), pane("b")),
    voteBar,
    result,
    composer,
    h(
      "details",
      { class: "history" },
      h("summary", {}, anonymous ? "Your past battles" : "Your past comparisons"),
      h("p", { class: "muted small" }, "Kept in this browser only."),
      historyList,
    ),
  );

  return {
    el,
    transcripts,
    names,
    statuses,
    voteBar,
    voteButtons,
    result,
    warning,
    errorBanner,
    prompt,
    sendButton,
    stopButton,
    regenButton,
    newButton,
    historyList,
  };
}

/** The placeholder of an empty pane. */
export function emptyHint(mode: DuelMode, side: Side): HTMLElement {
  return h(
    "p",
    { class: "empty-hint" },
    mode === "anonymous"
      ? `Model ${side.toUpperCase()}'s answer appears here. Its name is revealed after you vote.`
      : `Model ${side.toUpperCase()}'s answer appears here.`,
  );
}

/** One answer bubble: the answer (markdown) and the note under it (stopped, cut off, an error and Retry). */
export function buildAnswer(side: Side): { answer: HTMLElement; note: HTMLElement } {
  const answer = h("div", { class: "md answer", "data-testid": `answer-${side}` });
  const note = h("div", { class: "side-note" });
  h("div", { class: "msg bot" }, answer, note);
  return { answer, note };
}

/** The pane header's model name (empty while hidden). */
export function nameView(m: ModelReveal | null): Node[] {
  return m ? [h("strong", {}, m.name), h("span", { class: "org" }, ` · ${m.organization}`)] : [];
}

/** What the vote result says: the pick, whether it counts, who the models were and the battle's link. */
export function voteResultView(vote: {
  winner: Winner;
  models: { a: ModelReveal; b: ModelReveal };
  counted: string;
  battleId: string;
}): HTMLElement[] {
  const { winner, models, counted, battleId } = vote;
  const pick = winner === "a" || winner === "b" ? models[winner].name : null;
  return [
    h("p", {}, h("strong", {}, `You voted: ${WINNER_TEXT[winner]}`), pick ? ` (${pick}).` : ".", " ", counted),
    h(
      "p",
      { class: "reveal" },
      `Model A was `,
      h("strong", {}, models.a.name),
      ` (${models.a.organization}); model B was `,
      h("strong", {}, models.b.name),
      ` (${models.b.organization}).`,
    ),
    h(
      "p",
      {},
      h("a", { href: `/battle/${battleId}`, "data-testid": "share-link" }, "Shareable link to this battle"),
      " · Start a new round to keep going.",
    ),
  ];
}
