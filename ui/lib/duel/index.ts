// The two-pane battle used by `/` (anonymous) and `/compare` (named side by side): both answers streaming at once,
// stop, regenerate, retry, the vote bar once both sides finished, the reveal and "New round". This file is the state
// machine and its actions; the markup is ./view.ts, the report form ./report.ts, the local history ./history.ts.
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
} from "../api";
import { h, show } from "../dom";
import { renderMarkdown } from "../markdown";
import { renderHistory, saveToHistory, saveVoteToHistory } from "./history";
import { buildReport, type ReportWidget } from "./report";
import {
  buildAnswer,
  buildDuelView,
  emptyHint,
  nameView,
  PROMPT_PLACEHOLDER,
  voteResultView,
  VOTES,
  type DuelMode,
  type DuelView,
} from "./view";

const SIDES: Side[] = ["a", "b"];

export interface DuelOptions {
  mode: DuelMode;
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
  private readonly view: DuelView;
  private readonly report: ReportWidget;
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

  constructor(opts: DuelOptions) {
    this.opts = opts;
    this.report = buildReport(opts.mode, () => this.battleId);
    this.view = buildDuelView({
      mode: opts.mode,
      report: this.report,
      on: {
        send: () => void this.send(),
        stop: () => void this.stop(),
        regenerate: () => void this.regenerate(),
        newRound: () => this.newRound(),
        vote: (winner) => void this.vote(winner),
      },
    });
    this.el = this.view.el;
    const prompt = this.view.prompt;
    prompt.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        void this.send();
      }
    });
    prompt.addEventListener("input", () => this.sync());
    document.addEventListener("keydown", (e) => this.onKey(e));
    this.reset();
    this.renderHistory();
  }

  /** Shows model names in the pane headers (compare: the picked models before the battle starts). */
  setNames(models: { a: ModelReveal | null; b: ModelReveal | null }): void {
    this.shownNames = models;
    for (const side of SIDES) this.view.names[side].replaceChildren(...nameView(models[side]));
  }

  focusPrompt(): void {
    this.view.prompt.focus();
  }

  get active(): boolean {
    return this.battleId !== null;
  }

  // ------------------------------------------------------------------ state and rendering

  private reset(): void {
    const v = this.view;
    this.battleId = null;
    this.phase = "idle";
    this.turnCount = 0;
    this.canVote = false;
    this.firstPrompt = "";
    this.sides = {} as Record<Side, SideView>;
    for (const side of SIDES) {
      v.transcripts[side].replaceChildren(emptyHint(this.opts.mode, side));
      this.sides[side] = this.newSideView(side);
      v.transcripts[side].append(this.sides[side].answer.parentElement!);
      v.statuses[side].textContent = "";
    }
    if (this.opts.mode === "anonymous") this.setNames({ a: null, b: null });
    show(v.voteBar, false);
    show(v.result, false);
    show(v.warning, false);
    show(v.errorBanner, false);
    v.prompt.readOnly = false;
    v.prompt.placeholder = PROMPT_PLACEHOLDER;
    this.report.close();
    this.sync();
  }

  private newSideView(side: Side): SideView {
    return { text: "", finish: null, error: null, ...buildAnswer(side) };
  }

  /** Enables and disables the controls for the current phase. */
  private sync(): void {
    const streaming = this.phase === "streaming";
    const voted = this.phase === "voted";
    this.view.sendButton.disabled = streaming || voted || this.view.prompt.value.trim() === "";
    this.view.stopButton.disabled = !streaming;
    this.view.regenButton.disabled = this.phase !== "ready";
    this.report.button.disabled = this.battleId === null;
    this.view.prompt.readOnly = voted;
    this.el.dataset.phase = this.phase;
    show(this.view.voteBar, this.phase === "ready" && this.canVote);
    for (const b of this.view.voteButtons) b.disabled = !(this.phase === "ready" && this.canVote);
  }

  private scheduleRender(side: Side): void {
    this.dirty.add(side);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = 0;
    for (const side of this.dirty) {
      const view = this.sides[side];
      const t = this.view.transcripts[side];
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
    this.view.statuses[side].textContent = text;
    this.view.statuses[side].classList.toggle("writing", text === "Writing…");
  }

  private showError(message: string, retry?: () => void): void {
    this.view.errorBanner.replaceChildren(h("span", {}, message));
    if (retry) {
      this.view.errorBanner.append(
        " ",
        h("button", { type: "button", class: "link", "data-testid": "retry", onclick: retry }, "Retry"),
      );
    }
    show(this.view.errorBanner, true);
  }

  // ------------------------------------------------------------------ actions

  private async send(): Promise<void> {
    const content = this.view.prompt.value.trim();
    if (!content || this.phase === "streaming" || this.phase === "voted") return;
    show(this.view.errorBanner, false);
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
    this.view.prompt.value = "";
    this.startTurn(content);
    await this.runStream(`/api/battles/${this.battleId}/messages`, { content }, content);
  }

  /** Adds the user's message to both panes and a fresh answer for each side. */
  private startTurn(content: string): void {
    this.turnCount += 1;
    for (const side of SIDES) {
      const t = this.view.transcripts[side];
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
    show(this.view.warning, false);
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
        const t = this.view.transcripts[side];
        t.lastElementChild?.remove();
        t.lastElementChild?.remove();
        const answers = t.querySelectorAll<HTMLElement>(".answer");
        const last = answers[answers.length - 1]!;
        last.setAttribute("data-testid", `answer-${side}`);
      }
      this.turnCount -= 1;
      this.phase = "ready";
    }
    this.view.prompt.value = content;
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
      show(this.view.errorBanner, false);
      void this.regenerate();
    });
  }

  private onDone(d: DoneEvent): void {
    this.phase = "ready";
    this.canVote = d.canVote;
    const note = reasonText(d.reason);
    this.view.warning.textContent = note
      ? `${note} You can still vote${this.opts.mode === "anonymous" ? " to see who it was" : ""}, or start a new round.`
      : "";
    show(this.view.warning, note !== null);
    if (d.reason === "identity_leak") this.view.warning.dataset.reason = "identity_leak";
    else delete this.view.warning.dataset.reason;
    for (const side of SIDES) if (!this.sides[side].finish) this.setStatus(side, "Done");
    this.flush();
    this.sync();
    this.saveToHistory();
  }

  private async stop(): Promise<void> {
    if (this.phase !== "streaming" || !this.battleId) return;
    this.view.stopButton.disabled = true;
    try {
      await postJson(`/api/battles/${this.battleId}/stop`);
    } catch (err) {
      this.showError(describeError(err));
    }
  }

  private async regenerate(): Promise<void> {
    if (!this.battleId || this.phase === "streaming" || this.phase === "voted" || this.turnCount === 0) return;
    show(this.view.errorBanner, false);
    this.resetLastTurn();
    await this.runStream(`/api/battles/${this.battleId}/regenerate`, undefined, null);
  }

  private async vote(winner: Winner): Promise<void> {
    if (this.phase !== "ready" || !this.canVote || !this.battleId) return;
    for (const b of this.view.voteButtons) b.disabled = true;
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
    const counted = result.counted
      ? "Your vote counts toward the leaderboard."
      : this.opts.mode === "side-by-side"
        ? "Named votes are stored but not rated."
        : (reasonText(result.reason) ?? "This vote will not count toward the leaderboard.");
    this.view.result.replaceChildren(
      ...voteResultView({ winner, models: result.models, counted, battleId: this.battleId }),
    );
    show(this.view.result, true);
    show(this.view.warning, false);
    this.view.prompt.placeholder = "This battle is over. Press “New round” to start another.";
    this.sync();
    saveVoteToHistory(this.battleId, winner, { a: result.models.a.name, b: result.models.b.name });
    this.renderHistory();
    this.view.newButton.focus();
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
    this.view.prompt.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (!/^[1-4]$/.test(e.key) || !this.canVote || this.phase !== "ready" || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    const typing = target.closest("textarea, input, select, [contenteditable]") !== null;
    if (typing && !e.altKey) return;
    e.preventDefault();
    void this.vote(VOTES[Number(e.key) - 1]!.winner);
  }

  private saveToHistory(): void {
    if (!this.battleId) return;
    saveToHistory({ id: this.battleId, mode: this.opts.mode, prompt: this.firstPrompt, turns: this.turnCount });
    this.renderHistory();
  }

  private renderHistory(): void {
    renderHistory(this.view.historyList, this.opts.mode);
  }
}
