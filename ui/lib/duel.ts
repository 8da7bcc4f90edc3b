// The two-pane battle used by `/` (anonymous) and `/compare` (named side by side): prompt box, both answers
// streaming at once, stop, regenerate, retry, the vote bar once both sides finished, the reveal, "New round",
// reporting and the local history. DESIGN section 4a fixes the data-testids used here.
import {
  ApiError,
  describeError,
  postJson,
  streamEvents,
  type DoneEvent,
  type Finish,
  type ModelReveal,
  type Side,
  type VoteResult,
  type Winner,
} from "./api";
import { h, show } from "./dom";
import { renderMarkdown } from "./markdown";
import { readHistory, saveHistory, type HistoryEntry } from "./storage";

const SIDES: Side[] = ["a", "b"];
const MAX_PROMPT_CHARS = 30_000;

export interface DuelOptions {
  mode: "anonymous" | "side-by-side";
  /** The body of POST /api/battles, or null when the battle cannot start yet (e.g. models not picked). */
  createBody(): Record<string, unknown> | null;
  /** Called whenever a battle starts or ends, e.g. to lock the model pickers of /compare. */
  onBattleChange?(active: boolean): void;
}

interface SideView {
  text: string;
  finish: Finish | null;
  error: string | null;
  answer: HTMLElement;
  note: HTMLElement;
}

type Phase = "idle" | "streaming" | "ready" | "voted";

const VOTES: { winner: Winner; label: string; key: string; testid: string }[] = [
  { winner: "a", label: "A is better", key: "1", testid: "vote-a" },
  { winner: "b", label: "B is better", key: "2", testid: "vote-b" },
  { winner: "tie", label: "Tie", key: "3", testid: "vote-tie" },
  { winner: "bothbad", label: "Both are bad", key: "4", testid: "vote-bothbad" },
];

const WINNER_TEXT: Record<Winner, string> = {
  a: "A is better",
  b: "B is better",
  tie: "a tie",
  bothbad: "both are bad",
};

/** Why a vote will not count, in words (never naming a model). */
export function reasonText(reason: string | null): string | null {
  switch (reason) {
    case null:
    case "side_by_side":
    case "direct_chat":
      return null;
    case "identity_leak":
      return "An answer revealed a model's identity, so a vote on this battle will not count toward the leaderboard.";
    case "provider_error":
      return "A model failed to answer, so a vote on this battle will not count toward the leaderboard.";
    case "unfinished":
      return "An answer was stopped before it finished, so a vote on this battle will not count toward the leaderboard.";
    case "vote_cap":
      return "You reached today's vote limit; this vote is stored but not counted.";
    default:
      return "This vote is stored but will not count toward the leaderboard.";
  }
}

export class Duel {
  readonly el: HTMLElement;
  private readonly opts: DuelOptions;
  private battleId: string | null = null;
  private phase: Phase = "idle";
  private turnCount = 0;
  private canVote = false;
  private firstPrompt = "";
  private sides!: Record<Side, SideView>;
  private abort: AbortController | null = null;
  private dirty = new Set<Side>();
  private frame = 0;
  private shownNames: { a: ModelReveal | null; b: ModelReveal | null } = { a: null, b: null };

  // Elements
  private readonly transcripts: Record<Side, HTMLElement>;
  private readonly names: Record<Side, HTMLElement>;
  private readonly statuses: Record<Side, HTMLElement>;
  private readonly voteBar: HTMLElement;
  private readonly voteButtons: HTMLButtonElement[];
  private readonly result: HTMLElement;
  private readonly warning: HTMLElement;
  private readonly errorBanner: HTMLElement;
  private readonly prompt: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly regenButton: HTMLButtonElement;
  private readonly newButton: HTMLButtonElement;
  private readonly reportButton: HTMLButtonElement;
  private readonly reportForm: HTMLFormElement;
  private readonly historyList: HTMLElement;

  constructor(opts: DuelOptions) {
    this.opts = opts;
    const anonymous = opts.mode === "anonymous";
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
      this.transcripts[side] = transcript;
      this.names[side] = name;
      this.statuses[side] = status;
      return h(
        "section",
        { class: `pane pane-${side}`, "aria-labelledby": `pane-${side}-title` },
        h("header", { class: "pane-head" }, h("h2", { id: `pane-${side}-title` }, `Model ${upper}`), name, status),
        transcript,
      );
    };
    this.transcripts = {} as Record<Side, HTMLElement>;
    this.names = {} as Record<Side, HTMLElement>;
    this.statuses = {} as Record<Side, HTMLElement>;

    this.voteButtons = VOTES.map((v) =>
      h(
        "button",
        {
          type: "button",
          class: `vote vote-${v.winner}`,
          "data-testid": v.testid,
          "aria-keyshortcuts": `${v.key} Alt+${v.key}`,
          onclick: () => void this.vote(v.winner),
        },
        v.label,
        " ",
        h("kbd", { "aria-hidden": "true" }, v.key),
      ),
    );
    this.voteBar = h(
      "div",
      { class: "vote-bar", role: "group", "aria-labelledby": "vote-title", hidden: true },
      h(
        "p",
        { id: "vote-title", class: "vote-title" },
        anonymous ? "Which answer is better? Your vote reveals the models." : "Which answer is better?",
        h("span", { class: "hint" }, " Keys 1–4 (Alt+1–4 while typing)."),
      ),
      h("div", { class: "vote-buttons" }, this.voteButtons),
    );
    this.result = h("div", { class: "result", "data-testid": "vote-result", role: "status", hidden: true });
    this.warning = h("div", { class: "banner warn", "data-testid": "leak-warning", role: "status", hidden: true });
    this.errorBanner = h("div", { class: "banner error", "data-testid": "error-banner", role: "alert", hidden: true });

    this.prompt = h("textarea", {
      id: `prompt-${opts.mode}`,
      "data-testid": "prompt-input",
      rows: 3,
      maxlength: MAX_PROMPT_CHARS,
      placeholder: "Ask anything… (Enter to send, Shift+Enter for a new line)",
      autocomplete: "off",
    }) as HTMLTextAreaElement;
    this.sendButton = h("button", { type: "submit", class: "primary", "data-testid": "send", disabled: true }, "Send");
    this.stopButton = h(
      "button",
      { type: "button", "data-testid": "stop", disabled: true, onclick: () => void this.stop() },
      "Stop",
    );
    this.regenButton = h(
      "button",
      { type: "button", "data-testid": "regenerate", disabled: true, onclick: () => void this.regenerate() },
      "Regenerate",
    );
    this.newButton = h(
      "button",
      { type: "button", "data-testid": "new-round", onclick: () => this.newRound() },
      "New round",
    );
    this.reportButton = h(
      "button",
      {
        type: "button",
        class: "link",
        "data-testid": "report",
        disabled: true,
        "aria-expanded": "false",
        onclick: () => this.toggleReport(),
      },
      "Report this battle",
    );
    this.reportForm = this.buildReportForm();
    this.historyList = h("ol", { class: "history-list" });

    const composer = h(
      "form",
      {
        class: "composer",
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.send();
        },
      },
      h("label", { for: this.prompt.id, class: "sr-only" }, "Your prompt"),
      this.prompt,
      h(
        "div",
        { class: "actions" },
        this.sendButton,
        this.stopButton,
        this.regenButton,
        this.newButton,
        h("span", { class: "spacer" }),
        this.reportButton,
      ),
      this.reportForm,
    );

    this.el = h(
      "div",
      { class: "duel" },
      this.warning,
      this.errorBanner,
      h("div", { class: "panes" }, pane("a"), pane("b")),
      this.voteBar,
      this.result,
      composer,
      h(
        "details",
        { class: "history" },
        h("summary", {}, anonymous ? "Your past battles" : "Your past comparisons"),
        h("p", { class: "muted small" }, "Kept in this browser only."),
        this.historyList,
      ),
    );

    this.prompt.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        void this.send();
      }
    });
    this.prompt.addEventListener("input", () => this.sync());
    document.addEventListener("keydown", (e) => this.onKey(e));
    this.reset();
    this.renderHistory();
  }

  /** Shows model names in the pane headers (compare: the picked models before the battle starts). */
  setNames(models: { a: ModelReveal | null; b: ModelReveal | null }): void {
    this.shownNames = models;
    for (const side of SIDES) {
      const m = models[side];
      this.names[side].replaceChildren(
        ...(m ? [h("strong", {}, m.name), h("span", { class: "org" }, ` · ${m.organization}`)] : []),
      );
    }
  }

  focusPrompt(): void {
    this.prompt.focus();
  }

  get active(): boolean {
    return this.battleId !== null;
  }

  // ------------------------------------------------------------------ state and rendering

  private reset(): void {
    this.battleId = null;
    this.phase = "idle";
    this.turnCount = 0;
    this.canVote = false;
    this.firstPrompt = "";
    this.sides = {} as Record<Side, SideView>;
    for (const side of SIDES) {
      const hint = h(
        "p",
        { class: "empty-hint" },
        this.opts.mode === "anonymous"
          ? `Model ${side.toUpperCase()}'s answer appears here. Its name is revealed after you vote.`
          : `Model ${side.toUpperCase()}'s answer appears here.`,
      );
      this.transcripts[side].replaceChildren(hint);
      this.sides[side] = this.newSideView(side);
      this.transcripts[side].append(this.sides[side].answer.parentElement!);
      this.statuses[side].textContent = "";
    }
    if (this.opts.mode === "anonymous") this.setNames({ a: null, b: null });
    show(this.voteBar, false);
    show(this.result, false);
    show(this.warning, false);
    show(this.errorBanner, false);
    this.prompt.readOnly = false;
    this.prompt.placeholder = "Ask anything… (Enter to send, Shift+Enter for a new line)";
    this.closeReport();
    this.sync();
  }

  private newSideView(side: Side): SideView {
    const answer = h("div", { class: "md answer", "data-testid": `answer-${side}` });
    const note = h("div", { class: "side-note" });
    h("div", { class: "msg bot" }, answer, note);
    return { text: "", finish: null, error: null, answer, note };
  }

  /** Enables and disables the controls for the current phase. */
  private sync(): void {
    const streaming = this.phase === "streaming";
    const voted = this.phase === "voted";
    this.sendButton.disabled = streaming || voted || this.prompt.value.trim() === "";
    this.stopButton.disabled = !streaming;
    this.regenButton.disabled = this.phase !== "ready";
    this.reportButton.disabled = this.battleId === null;
    this.prompt.readOnly = voted;
    this.el.dataset.phase = this.phase;
    show(this.voteBar, this.phase === "ready" && this.canVote);
    for (const b of this.voteButtons) b.disabled = !(this.phase === "ready" && this.canVote);
  }

  private scheduleRender(side: Side): void {
    this.dirty.add(side);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = 0;
    for (const side of this.dirty) {
      const view = this.sides[side];
      const t = this.transcripts[side];
      const stick = t.scrollHeight - t.scrollTop - t.clientHeight < 40;
      renderMarkdown(view.answer, view.text);
      if (stick) t.scrollTop = t.scrollHeight;
    }
    this.dirty.clear();
  }

  private setSideNote(side: Side): void {
    const view = this.sides[side];
    view.note.replaceChildren();
    view.note.className = "side-note";
    if (view.error) {
      view.note.className = "side-note error";
      view.note.setAttribute("role", "alert");
      view.note.append(
        h("span", {}, `${view.error}. `),
        h(
          "button",
          { type: "button", class: "link", "data-testid": `retry-${side}`, onclick: () => void this.regenerate() },
          "Retry",
        ),
      );
      return;
    }
    if (view.finish === "stopped") view.note.textContent = "Stopped.";
    else if (view.finish === "length") view.note.textContent = "Cut off at the length limit.";
  }

  private setStatus(side: Side, text: string): void {
    this.statuses[side].textContent = text;
    this.statuses[side].classList.toggle("writing", text === "Writing…");
  }

  private showError(message: string, retry?: () => void): void {
    this.errorBanner.replaceChildren(h("span", {}, message));
    if (retry) {
      this.errorBanner.append(
        " ",
        h("button", { type: "button", class: "link", "data-testid": "retry", onclick: retry }, "Retry"),
      );
    }
    show(this.errorBanner, true);
  }

  // ------------------------------------------------------------------ actions

  private async send(): Promise<void> {
    const content = this.prompt.value.trim();
    if (!content || this.phase === "streaming" || this.phase === "voted") return;
    show(this.errorBanner, false);
    if (!this.battleId) {
      const body = this.opts.createBody();
      if (!body) return;
      this.phase = "streaming";
      this.sync();
      try {
        const created = await postJson<{ id: string; models: { a: ModelReveal; b: ModelReveal } | null }>(
          "/api/battles",
          body,
        );
        this.battleId = created.id;
        if (created.models) this.setNames(created.models);
        this.firstPrompt = content;
        this.opts.onBattleChange?.(true);
      } catch (err) {
        this.phase = "idle";
        this.sync();
        this.showError(describeError(err), () => void this.send());
        return;
      }
    }
    this.prompt.value = "";
    this.startTurn(content);
    await this.runStream(`/api/battles/${this.battleId}/messages`, { content }, content);
  }

  /** Adds the user's message to both panes and a fresh answer for each side. */
  private startTurn(content: string): void {
    this.turnCount += 1;
    for (const side of SIDES) {
      const t = this.transcripts[side];
      const old = this.sides[side];
      const user = h("div", { class: "msg user" }, h("span", { class: "sr-only" }, "You: "), content);
      if (this.turnCount === 1) {
        t.querySelector(".empty-hint")?.remove();
        old.answer.parentElement!.before(user);
        old.text = "";
        old.finish = null;
        old.error = null;
      } else {
        old.answer.removeAttribute("data-testid");
        const fresh = this.newSideView(side);
        t.append(user, fresh.answer.parentElement!);
        this.sides[side] = fresh;
      }
      t.scrollTop = t.scrollHeight;
    }
    this.saveToHistory();
  }

  private resetLastTurn(): void {
    for (const side of SIDES) {
      const v = this.sides[side];
      v.text = "";
      v.finish = null;
      v.error = null;
      v.answer.replaceChildren();
      this.setSideNote(side);
    }
  }

  private async runStream(path: string, body: unknown, resendContent: string | null): Promise<void> {
    this.phase = "streaming";
    this.canVote = false;
    show(this.warning, false);
    this.sync();
    for (const side of SIDES) this.setStatus(side, "Writing…");
    let started = false;
    const abort = (this.abort = new AbortController());
    try {
      await streamEvents(
        path,
        body,
        {
          token: ({ side, text }) => {
            started = true;
            this.sides[side].text += text;
            this.scheduleRender(side);
          },
          sideDone: ({ side, finish }) => {
            started = true;
            this.sides[side].finish = finish;
            this.setStatus(side, finish === "error" ? "Failed" : finish === "stopped" ? "Stopped" : "Done");
            this.scheduleRender(side);
            this.setSideNote(side);
          },
          error: ({ side, message }) => {
            started = true;
            this.sides[side].error = message.replace(/\.$/, "");
            this.setSideNote(side);
          },
          done: (d) => this.onDone(d),
        },
        abort.signal,
      );
    } catch (err) {
      if (!started && resendContent !== null && err instanceof ApiError && err.code !== "stream_interrupted") {
        // The turn never started: take it back so the person can send it again.
        this.undoTurn(resendContent);
        this.showError(describeError(err));
        return;
      }
      await this.recover(err);
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  /** Removes a turn the server refused (e.g. rate limited), restoring the prompt text. */
  private undoTurn(content: string): void {
    if (this.turnCount <= 1) {
      const id = this.battleId;
      this.reset();
      this.battleId = id;
    } else {
      for (const side of SIDES) {
        const t = this.transcripts[side];
        t.lastElementChild?.remove();
        t.lastElementChild?.remove();
        const answers = t.querySelectorAll<HTMLElement>(".answer");
        const last = answers[answers.length - 1]!;
        last.setAttribute("data-testid", `answer-${side}`);
      }
      this.turnCount -= 1;
      this.phase = "ready";
    }
    this.prompt.value = content;
    this.sync();
  }

  /** The stream broke: ask the server where the battle stands (the turn goes on without us). */
  private async recover(err: unknown): Promise<void> {
    try {
      const state = await fetch(`/api/battles/${this.battleId}`).then((r) =>
        r.ok
          ? (r.json() as Promise<{
              turns: { a: string; b: string }[];
              canVote: boolean;
              counted: boolean;
              reason: string | null;
            }>)
          : null,
      );
      const last = state?.turns.at(-1);
      if (state && last && state.canVote) {
        for (const side of SIDES) {
          this.sides[side].text = last[side];
          this.sides[side].finish ??= "stop";
          this.setStatus(side, "Done");
          this.scheduleRender(side);
        }
        this.onDone({ turn: this.turnCount, canVote: true, counted: state.counted, reason: state.reason });
        return;
      }
    } catch {
      // fall through to the retry banner
    }
    this.phase = "ready";
    this.canVote = false;
    for (const side of SIDES) if (!this.sides[side].finish) this.setStatus(side, "");
    this.sync();
    this.showError(`${describeError(err)} Retry to generate this turn again.`, () => {
      show(this.errorBanner, false);
      void this.regenerate();
    });
  }

  private onDone(d: DoneEvent): void {
    this.phase = "ready";
    this.canVote = d.canVote;
    const note = reasonText(d.reason);
    this.warning.textContent = note
      ? `${note} You can still vote${this.opts.mode === "anonymous" ? " to see who it was" : ""}, or start a new round.`
      : "";
    show(this.warning, note !== null);
    if (d.reason === "identity_leak") this.warning.dataset.reason = "identity_leak";
    else delete this.warning.dataset.reason;
    for (const side of SIDES) if (!this.sides[side].finish) this.setStatus(side, "Done");
    this.flush();
    this.sync();
    this.saveToHistory();
  }

  private async stop(): Promise<void> {
    if (this.phase !== "streaming" || !this.battleId) return;
    this.stopButton.disabled = true;
    try {
      await postJson(`/api/battles/${this.battleId}/stop`);
    } catch (err) {
      this.showError(describeError(err));
    }
  }

  private async regenerate(): Promise<void> {
    if (!this.battleId || this.phase === "streaming" || this.phase === "voted" || this.turnCount === 0) return;
    show(this.errorBanner, false);
    this.resetLastTurn();
    await this.runStream(`/api/battles/${this.battleId}/regenerate`, undefined, null);
  }

  private async vote(winner: Winner): Promise<void> {
    if (this.phase !== "ready" || !this.canVote || !this.battleId) return;
    for (const b of this.voteButtons) b.disabled = true;
    let result: VoteResult;
    try {
      result = await postJson<VoteResult>(`/api/battles/${this.battleId}/vote`, { winner });
    } catch (err) {
      this.sync();
      this.showError(describeError(err));
      return;
    }
    this.phase = "voted";
    this.setNames(result.models);
    const pick = winner === "a" || winner === "b" ? result.models[winner].name : null;
    const counted = result.counted
      ? "Your vote counts toward the leaderboard."
      : this.opts.mode === "side-by-side"
        ? "Named votes are stored but not rated."
        : (reasonText(result.reason) ?? "This vote will not count toward the leaderboard.");
    this.result.replaceChildren(
      h("p", {}, h("strong", {}, `You voted: ${WINNER_TEXT[winner]}`), pick ? ` (${pick}).` : ".", " ", counted),
      h(
        "p",
        { class: "reveal" },
        `Model A was `,
        h("strong", {}, result.models.a.name),
        ` (${result.models.a.organization}); model B was `,
        h("strong", {}, result.models.b.name),
        ` (${result.models.b.organization}).`,
      ),
      h(
        "p",
        {},
        h("a", { href: `/battle/${this.battleId}`, "data-testid": "share-link" }, "Shareable link to this battle"),
        " · Start a new round to keep going.",
      ),
    );
    show(this.result, true);
    show(this.warning, false);
    this.prompt.placeholder = "This battle is over. Press “New round” to start another.";
    this.sync();
    saveHistory({
      id: this.battleId,
      winner,
      models: { a: result.models.a.name, b: result.models.b.name },
    });
    this.renderHistory();
    this.newButton.focus();
  }

  newRound(): void {
    if (this.phase === "streaming" && this.battleId) {
      // Leave the old battle cleanly: stop its generation and stop listening.
      void postJson(`/api/battles/${this.battleId}/stop`).catch(() => {});
    }
    this.abort?.abort();
    this.abort = null;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.dirty.clear();
    this.reset();
    if (this.opts.mode === "side-by-side") this.setNames(this.shownNames);
    this.opts.onBattleChange?.(false);
    this.prompt.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (!/^[1-4]$/.test(e.key) || !this.canVote || this.phase !== "ready" || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    const typing = target.closest("textarea, input, select, [contenteditable]") !== null;
    if (typing && !e.altKey) return;
    e.preventDefault();
    void this.vote(VOTES[Number(e.key) - 1]!.winner);
  }

  // ------------------------------------------------------------------ report and history

  private buildReportForm(): HTMLFormElement {
    const id = `report-reason-${this.opts.mode}`;
    const area = h("textarea", { id, rows: 2, maxlength: 2000, required: true }) as HTMLTextAreaElement;
    const status = h("span", { class: "muted", role: "status" });
    const form = h(
      "form",
      {
        class: "report-form",
        hidden: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          if (!this.battleId || !area.value.trim()) return;
          try {
            await postJson(`/api/battles/${this.battleId}/report`, { reason: area.value.trim() });
            status.textContent = "Thank you. A moderator will look at this battle.";
            area.value = "";
          } catch (err) {
            status.textContent = describeError(err);
          }
        },
      },
      h("label", { for: id }, "What is wrong with this battle? (harmful content, a broken answer, …)"),
      area,
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Send report"), status),
    ) as HTMLFormElement;
    return form;
  }

  private toggleReport(): void {
    const open = this.reportForm.hidden;
    this.reportForm.hidden = !open;
    this.reportButton.setAttribute("aria-expanded", String(open));
    if (open) this.reportForm.querySelector("textarea")?.focus();
  }

  private closeReport(): void {
    this.reportForm.hidden = true;
    this.reportButton.setAttribute("aria-expanded", "false");
    const status = this.reportForm.querySelector("[role=status]");
    if (status) status.textContent = "";
  }

  private saveToHistory(): void {
    if (!this.battleId) return;
    saveHistory({
      id: this.battleId,
      mode: this.opts.mode,
      prompt: this.firstPrompt.slice(0, 140),
      createdAt: readHistory().find((e) => e.id === this.battleId)?.createdAt ?? Date.now(),
      turns: this.turnCount,
    });
    this.renderHistory();
  }

  private renderHistory(): void {
    const entries = readHistory().filter((e: HistoryEntry) => e.mode === this.opts.mode);
    if (entries.length === 0) {
      this.historyList.replaceChildren(h("li", { class: "muted" }, "No battles yet."));
      return;
    }
    this.historyList.replaceChildren(
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
}
