// `/redteam`: the Red Team Arena (DESIGN section 11). Pick a kind (and optionally a model), start, and within the
// server's time make the named model do what it must not. The countdown follows the server's `deadline` and every
// `done` event's `secondsLeft`; the server decides won/lost/forfeit. `/redteam?game=<id>` shows a game read-only
// (the share link). Below: the three boards of /redteam.json. A player may register a handle; its token stays in
// localStorage and makes started games ranked.
import { ApiError, describeError, getJson, postJson, streamNamed, type PublicModel } from "../lib/api";
import { h, markReady } from "../lib/dom";
import { installCopyButtons, renderMarkdown } from "../lib/markdown";
import {
  ciText,
  clockText,
  DeadlineClock,
  durationText,
  goalText,
  HANDLE,
  modelId,
  modelName,
  playerHandle,
  readPlayer,
  savePlayer,
  toMillis,
  type DoneData,
  type GameStatus,
  type GameView,
  type Kind,
  type NewGame,
  type Player,
  type RedteamBoard,
} from "../lib/redteam";
import { redteamConsentGiven, setRedteamConsent } from "../lib/storage";

const main = document.getElementById("main")!;
installCopyButtons();

let kinds: Kind[] = [];
let player: Player | null = readPlayer();
let game: NewGame | null = null;
let status: GameStatus | null = null;
let clock: DeadlineClock | null = null;
let tick = 0;
let streaming = false;
let abort: AbortController | null = null;
let startedLocal = 0;
let announced = new Set<number>();

// ---------------------------------------------------------------- setup: kind, model, player

const kindSelect = h("select", { id: "rt-kind", "data-testid": "rt-kind" }) as HTMLSelectElement;
const kindHelp = h("p", { class: "muted small", id: "rt-kind-help" });
const modelSelect = h("select", { id: "rt-model", "data-testid": "rt-model" }) as HTMLSelectElement;
const startButton = h(
  "button",
  { type: "submit", class: "primary", "data-testid": "rt-start", disabled: true },
  "Start a game",
);
const rankedLine = h("p", { class: "muted small", "data-testid": "rt-ranked", role: "status" });
const setupError = h("div", { class: "banner error", role: "alert", hidden: true });

const handleInput = h("input", {
  id: "rt-handle",
  "data-testid": "rt-handle",
  type: "text",
  autocomplete: "nickname",
  minlength: 3,
  maxlength: 32,
  pattern: "[A-Za-z0-9_\\-]{3,32}",
  placeholder: "3–32 letters, digits, _ or -",
}) as HTMLInputElement;
const registerButton = h("button", { type: "submit", "data-testid": "rt-register" }, "Register");
const playerBox = h("div", { class: "rt-player", "data-testid": "rt-player" });
const consentBox = h("input", {
  type: "checkbox",
  id: "rt-consent",
  "data-testid": "rt-consent",
  checked: redteamConsentGiven(),
  onchange: () => setRedteamConsent(consentBox.checked),
}) as HTMLInputElement;

function renderPlayer(tokenShownOnce?: string) {
  if (player) {
    const children: (Node | string)[] = [
      h(
        "p",
        {},
        "Playing as ",
        h("strong", { "data-testid": "rt-player-handle" }, player.handle),
        ": your games are ranked.",
      ),
    ];
    if (tokenShownOnce) {
      children.push(
        h(
          "div",
          { class: "banner warn", role: "status" },
          h(
            "p",
            {},
            h("strong", {}, "Your player token is shown only this once. "),
            "This browser keeps it; copy it to play elsewhere.",
          ),
          h("p", {}, h("code", { class: "rt-token", "data-testid": "rt-token" }, tokenShownOnce)),
        ),
      );
    }
    const forget = h(
      "button",
      {
        type: "button",
        class: "link",
        "data-testid": "rt-forget",
        onclick: () => {
          // Two steps: the token cannot be shown again, so forgetting it loses the handle on this browser.
          if (!forget.dataset.armed) {
            forget.dataset.armed = "true";
            forget.textContent = "Really forget it? Its token cannot be shown again: click again to confirm";
            return;
          }
          player = null;
          savePlayer(null);
          renderPlayer();
          sync();
        },
      },
      "Forget this handle on this browser",
    );
    children.push(
      h(
        "label",
        { class: "small rt-consent", for: consentBox.id },
        consentBox,
        " Release the transcripts of my ranked games for research (personal data scrubbed; see ",
        h("a", { href: "/about#redteam" }, "About"),
        ")",
      ),
      forget,
    );
    playerBox.replaceChildren(...children);
  } else {
    const error = h("p", { class: "small error-text", role: "alert", "data-testid": "rt-register-error" });
    const form = h(
      "form",
      {
        class: "rt-register",
        // Checked below with a message in words (the browser's own bubble is easy to miss).
        novalidate: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const handle = handleInput.value.trim();
          if (!HANDLE.test(handle)) {
            error.textContent = "A handle is 3–32 letters, digits, _ or -.";
            return;
          }
          registerButton.disabled = true;
          try {
            const p = await postJson<Player>("/api/redteam/players", { handle });
            player = p;
            savePlayer(p);
            renderPlayer(p.token);
            sync();
          } catch (err) {
            error.textContent =
              err instanceof ApiError && err.code === "handle_taken"
                ? `The handle “${handle}” is taken; pick another.`
                : describeError(err);
          } finally {
            registerButton.disabled = false;
          }
        },
      },
      h("label", { for: handleInput.id }, "Handle for ranked play", handleInput),
      registerButton,
      error,
    );
    playerBox.replaceChildren(
      h("p", { class: "muted small" }, "Without a handle you play anonymously and your games are not ranked."),
      form,
    );
  }
}

// ---------------------------------------------------------------- the game

const modelLine = h("p", { class: "rt-model-name", "data-testid": "rt-model-name" });
const targetBox = h("p", { class: "rt-target", "data-testid": "rt-target" });
const timer = h("p", { class: "rt-timer", role: "timer", "aria-label": "Time left", "data-testid": "rt-timer" });
const timerLive = h("p", { class: "sr-only", "aria-live": "polite" });
const log = h("div", { class: "transcript rt-log", tabindex: 0, role: "region", "aria-label": "Conversation" });
const input = h("textarea", {
  id: "rt-input",
  "data-testid": "rt-input",
  rows: 3,
  maxlength: 30000,
  placeholder: "Your message to the model… (Enter to send, Shift+Enter for a new line)",
}) as HTMLTextAreaElement;
const sendButton = h("button", { type: "submit", class: "primary", "data-testid": "rt-send", disabled: true }, "Send");
const forfeitButton = h(
  "button",
  { type: "button", "data-testid": "rt-forfeit", disabled: true, onclick: () => void forfeit() },
  "Forfeit",
);
const statusBox = h("div", { class: "rt-status", "data-testid": "rt-status", role: "status", "aria-live": "polite" });
const gameError = h("div", { class: "banner error", role: "alert", hidden: true });
const gameSection = h(
  "section",
  { class: "rt-game", "aria-labelledby": "rt-game-title", hidden: true },
  h("h2", { id: "rt-game-title", class: "sr-only" }, "Your game"),
  h("div", { class: "rt-head" }, h("div", {}, modelLine, targetBox), timer),
  timerLive,
  statusBox,
  gameError,
  log,
  h(
    "form",
    {
      class: "composer",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void send();
      },
    },
    h("label", { for: input.id, class: "sr-only" }, "Your message"),
    input,
    h("div", { class: "actions" }, sendButton, forfeitButton),
  ),
);

function sync() {
  const playing = status === "playing";
  // At 0:00 the page stops sending while it asks the server for the result.
  const open = playing && (!clock || clock.left() > 0);
  startButton.disabled = streaming || playing || !kindSelect.value;
  kindSelect.disabled = playing;
  modelSelect.disabled = playing;
  sendButton.disabled = !open || streaming || input.value.trim() === "";
  input.readOnly = !open;
  forfeitButton.disabled = !playing;
  rankedLine.textContent = player
    ? `Ranked game as ${player.handle}.`
    : "Anonymous game: not ranked. Register a handle below to be ranked.";
  main.dataset.phase = status ?? "setup";
}

function renderTimer() {
  if (!clock) return;
  const left = clock.left();
  timer.textContent = clockText(left);
  timer.classList.toggle("urgent", left <= 10_000);
  const s = Math.ceil(left / 1000);
  for (const mark of [30, 10]) {
    if (s <= mark && s > 0 && !announced.has(mark)) {
      announced.add(mark);
      timerLive.textContent = `${mark} seconds left.`;
    }
  }
  if (left === 0 && status === "playing") void timeUp();
}

function startTicking() {
  stopTicking();
  renderTimer();
  tick = window.setInterval(renderTimer, 250);
}
function stopTicking() {
  if (tick) clearInterval(tick);
  tick = 0;
}

let checking = false;
/** The local countdown reached zero: the server decides; ask it until the game is over. */
async function timeUp() {
  if (checking || !game) return;
  checking = true;
  timerLive.textContent = "Time is up.";
  statusBox.textContent = "Time is up: checking the result with the server…";
  sync();
  const id = game.id;
  try {
    for (let i = 0; i < 20 && game?.id === id && status === "playing"; i++) {
      try {
        const view = await getJson<GameView>(`/api/redteam/games/${id}`);
        if (view.status !== "playing") return finish(view.status, view);
      } catch {
        // try again
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    checking = false;
  }
}

function bubble(role: "user" | "bot", who: string, content?: string): { el: HTMLElement; body: HTMLElement } {
  if (role === "user") {
    const el = h("div", { class: "msg user" }, h("span", { class: "sr-only" }, "You: "), content ?? "");
    return { el, body: el };
  }
  const body = h("div", { class: "md answer" });
  if (content !== undefined) renderMarkdown(body, content);
  const el = h("div", { class: "msg bot" }, h("p", { class: "who muted small" }, who), body);
  return { el, body };
}

async function start() {
  if (status === "playing") return;
  setupError.hidden = true;
  startButton.disabled = true;
  const body: { kind: string; model?: string; consent?: boolean } = { kind: kindSelect.value };
  if (modelSelect.value) body.model = modelSelect.value;
  if (player && consentBox.checked) body.consent = true;
  try {
    const g = await postJson<NewGame>(
      "/api/redteam/games",
      body,
      player ? { authorization: `Bearer ${player.token}` } : undefined,
    );
    begin(g);
  } catch (err) {
    setupError.textContent = `Could not start a game: ${describeError(err)}`;
    setupError.hidden = false;
    sync();
  }
}

function begin(g: NewGame) {
  game = g;
  status = "playing";
  startedLocal = Date.now();
  announced = new Set();
  clock = new DeadlineClock(g.deadline, g.seconds);
  modelLine.replaceChildren(
    "You are playing against ",
    h("strong", {}, modelName(g.model)),
    g.ranked ? " · ranked" : " · unranked",
  );
  modelLine.dataset.model = modelId(g.model) ?? "";
  targetBox.textContent = goalText(g.kind, g.target);
  statusBox.className = "rt-status playing";
  statusBox.dataset.status = "playing";
  statusBox.textContent = `Game on: you have ${durationText(g.seconds * 1000)}. The server keeps the time.`;
  gameError.hidden = true;
  log.replaceChildren(
    h("p", { class: "empty-hint" }, "Write your first message. A win is checked on the model's answer only."),
  );
  input.value = "";
  gameSection.hidden = false;
  history.replaceState(null, "", "/redteam");
  startTicking();
  sync();
  input.focus();
}

async function send() {
  if (!game || status !== "playing" || streaming) return;
  const content = input.value.trim();
  if (!content) return;
  const id = game.id;
  if (log.querySelector(".empty-hint")) log.replaceChildren();
  log.append(bubble("user", "You", content).el);
  input.value = "";
  for (const old of log.querySelectorAll("[data-testid=rt-answer]")) old.removeAttribute("data-testid");
  const b = bubble("bot", modelName(game.model));
  b.body.dataset.testid = "rt-answer";
  log.append(b.el);
  log.scrollTop = log.scrollHeight;
  gameError.hidden = true;
  streaming = true;
  sync();
  let text = "";
  let frame = 0;
  let done: DoneData | null = null;
  let failed: string | null = null;
  const render = () => {
    frame = 0;
    renderMarkdown(b.body, text);
    log.scrollTop = log.scrollHeight;
  };
  const ctrl = (abort = new AbortController());
  try {
    await streamNamed(
      `/api/redteam/games/${id}/messages`,
      { content },
      (event, data) => {
        if (event === "token") {
          text += (data as { text?: string }).text ?? "";
          frame ||= requestAnimationFrame(render);
        } else if (event === "error") {
          failed = (data as { message?: string }).message ?? "The model failed to respond.";
        } else if (event === "done") {
          done = data as DoneData;
          if (clock && typeof done.secondsLeft === "number") {
            clock.sync(done.secondsLeft);
            renderTimer();
          }
        }
      },
      ctrl.signal,
    );
  } catch (err) {
    if (err instanceof ApiError && err.code === "game_over") {
      if (!text) b.el.remove();
      await refreshOver(id);
    } else {
      gameError.textContent = describeError(err);
      gameError.hidden = false;
      if (!text) {
        b.el.remove();
        input.value = content;
      }
    }
  } finally {
    if (frame) cancelAnimationFrame(frame);
    if (abort === ctrl) abort = null;
    streaming = false;
  }
  render();
  const d = done as DoneData | null;
  // A provider error (`error`, then done `playing`): say so under whatever text arrived, instead of an empty bubble.
  const note = failed ?? (d && !text ? "The model did not answer. Try another message." : null);
  if (note) b.body.append(h("p", { class: "side-note", "data-testid": "rt-answer-error" }, note));
  if (d && d.status !== "playing" && game?.id === id) await refreshOver(id, d.status);
  sync();
  if (status === "playing") input.focus();
}

/** The game is over on the server: fetch its final view (times, target) and show the result. */
async function refreshOver(id: string, known?: GameStatus) {
  let view: GameView | undefined;
  try {
    view = await getJson<GameView>(`/api/redteam/games/${id}`);
  } catch {
    view = undefined;
  }
  finish(view?.status && view.status !== "playing" ? view.status : (known ?? "lost"), view);
}

async function forfeit() {
  if (!game || status !== "playing") return;
  const id = game.id;
  abort?.abort();
  forfeitButton.disabled = true;
  try {
    await postJson(`/api/redteam/games/${id}/forfeit`);
    await refreshOver(id, "forfeit");
  } catch (err) {
    if (err instanceof ApiError && err.code === "game_over") return refreshOver(id);
    gameError.textContent = describeError(err);
    gameError.hidden = false;
    sync();
  }
}

function elapsedText(view: GameView | undefined, fallbackMs: number): string {
  const a = toMillis(view?.startedAt);
  const b = toMillis(view?.endedAt);
  return durationText(Number.isFinite(a) && Number.isFinite(b) ? b - a : fallbackMs);
}

function resultBanner(s: GameStatus, name: string, took: string): { title: string; detail: string } {
  switch (s) {
    case "won":
      return { title: "You won!", detail: `You broke ${name} in ${took}.` };
    case "lost":
      return { title: "Time is up: you lost.", detail: `${name} held out for ${took}.` };
    case "forfeit":
      return { title: "You forfeited.", detail: `Time played: ${took}. A forfeit counts as a loss.` };
    default:
      return { title: "The game is in progress.", detail: `Started ${took} ago.` };
  }
}

function shareLink(id: string): HTMLElement {
  const url = `${location.origin}/redteam?game=${encodeURIComponent(id)}`;
  return h(
    "p",
    { class: "small" },
    "Share this game: ",
    h("a", { href: `/redteam?game=${encodeURIComponent(id)}`, "data-testid": "rt-share" }, url),
  );
}

function finish(s: GameStatus, view?: GameView) {
  if (!game || status !== "playing") return;
  status = s;
  stopTicking();
  if (clock && s !== "lost") timer.textContent = clockText(clock.left());
  if (s === "lost") timer.textContent = "0:00";
  const name = modelName(view?.model ?? game.model);
  const took = elapsedText(view, Date.now() - startedLocal);
  const r = resultBanner(s, name, took);
  statusBox.className = `rt-status banner ${s === "won" ? "good" : "bad"}`;
  statusBox.dataset.status = s;
  const target = view?.target ?? game.target;
  statusBox.replaceChildren(
    h("p", {}, h("strong", {}, r.title), " ", r.detail),
    target && game.kind !== "bad-words"
      ? h("p", { class: "small" }, "The hidden target was: ", h("code", {}, target))
      : "",
    h("p", { class: "small" }, game.ranked ? "This game is ranked." : "This game was not ranked."),
    shareLink(game.id),
  );
  timerLive.textContent = r.title;
  sync();
  startButton.textContent = "Play again";
}

// ---------------------------------------------------------------- a shared game, read-only

async function showGame(id: string): Promise<void> {
  const box = h("section", { class: "rt-view", "data-testid": "rt-view", "aria-labelledby": "rt-view-title" });
  main.replaceChildren(
    h(
      "div",
      { class: "page-intro" },
      h("h1", { id: "rt-view-title" }, "Red Team game"),
      h("p", { class: "muted" }, h("a", { href: "/redteam" }, "Play a game yourself")),
    ),
    box,
  );
  let view: GameView;
  try {
    view = await getJson<GameView>(`/api/redteam/games/${encodeURIComponent(id)}`);
  } catch (err) {
    box.replaceChildren(
      h(
        "p",
        { class: "banner error", role: "alert", "data-testid": "rt-view-error" },
        err instanceof ApiError && err.status === 404
          ? "There is no such game."
          : `Could not load the game: ${describeError(err)}`,
      ),
    );
    markReady();
    return;
  }
  const name = modelName(view.model);
  const took = elapsedText(view, Date.now() - toMillis(view.startedAt));
  const r = resultBanner(view.status, name, took);
  const handle = playerHandle(view.player);
  const turns = h("div", { class: "transcript rt-log", tabindex: 0, role: "region", "aria-label": "Conversation" });
  for (const t of view.turns) {
    turns.append(bubble("user", "Player", t.user).el, bubble("bot", name, t.assistant).el);
  }
  if (!view.turns.length) turns.append(h("p", { class: "empty-hint" }, "No messages were sent."));
  const last = turns.querySelectorAll(".msg.bot .answer");
  last[last.length - 1]?.setAttribute("data-testid", "rt-answer");
  box.replaceChildren(
    h(
      "p",
      { class: "rt-model-name", "data-testid": "rt-model-name", "data-model": modelId(view.model) ?? "" },
      `${handle ? handle : "An anonymous player"} against `,
      h("strong", {}, name),
      view.ranked ? " · ranked" : " · unranked",
    ),
    h("p", { class: "rt-target", "data-testid": "rt-target" }, goalText(view.kind, view.target)),
    h(
      "div",
      {
        class: `rt-status banner ${view.status === "won" ? "good" : view.status === "playing" ? "info" : "bad"}`,
        "data-testid": "rt-status",
        "data-status": view.status,
        role: "status",
      },
      h("p", {}, h("strong", {}, r.title), " ", r.detail),
      view.target && view.kind !== "bad-words" && view.status !== "playing"
        ? h("p", { class: "small" }, "The hidden target was: ", h("code", {}, view.target))
        : null,
    ),
    turns,
  );
  markReady();
}

// ---------------------------------------------------------------- boards (/redteam.json)

const boards = h("section", { class: "rt-boards", "aria-labelledby": "rt-boards-title", "aria-busy": "true" });

function table(testid: string, caption: string, head: string[], rows: (string | Node)[][], numeric: boolean[]) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "lb-table", "data-testid": testid },
      h("caption", {}, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          head.map((c, i) => h("th", { scope: "col", class: numeric[i] ? "num" : "" }, c)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.length
          ? rows.map((r) =>
              h(
                "tr",
                {},
                r.map((c, i) =>
                  i === 1 ? h("th", { scope: "row" }, c) : h("td", { class: numeric[i] ? "num" : "" }, c),
                ),
              ),
            )
          : h("tr", {}, h("td", { colspan: head.length, class: "muted" }, "Nobody yet.")),
      ),
    ),
  );
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** The `live` column (the online score) only when the board has one. */
const liveCol = (rows: { live?: number }[]) => rows.some((r) => typeof r.live === "number");
const liveText = (x: number | undefined) => (typeof x === "number" ? x.toFixed(1) : "—");

function renderBoards(b: RedteamBoard) {
  // The interval's level as published (method.ci.level, e.g. 0.95).
  const level = (b.method as { ci?: { level?: unknown } } | null)?.ci?.level;
  const ciHead = typeof level === "number" && level > 0 && level < 1 ? `${Math.round(level * 100)}% CI` : "CI";
  const pLive = liveCol(b.players);
  const players = table(
    "rt-board-players",
    "Players: skill at breaking models",
    ["Rank", "Player", "Score", ciHead, "Games", "Wins", ...(pLive ? ["Live"] : [])],
    b.players.map((p) => [
      String(p.rank),
      p.handle,
      p.score.toFixed(1),
      ciText(p.score, p.ci),
      String(p.games),
      String(p.wins),
      ...(pLive ? [liveText(p.live)] : []),
    ]),
    [true, false, true, true, true, true, true],
  );
  const mLive = liveCol(b.models);
  const models = table(
    "rt-board-models",
    "Models: hardest to break (resistance)",
    ["Rank", "Model", "Resistance", ciHead, "Games", "Broken", ...(mLive ? ["Live"] : [])],
    b.models.map((m) => [
      String(m.rank),
      m.name,
      m.score.toFixed(1),
      ciText(m.score, m.ci),
      String(m.games),
      pct(m.breakRate),
      ...(mLive ? [liveText(m.live)] : []),
    ]),
    [true, false, true, true, true, true, true],
  );
  const sorted = [...b.targets].sort((x, y) => y.score - x.score);
  const targets = table(
    "rt-board-targets",
    "Targets by difficulty",
    ["#", "Target", "Kind", "Difficulty", ciHead, "Games"],
    sorted.map((t, i) => [String(i + 1), t.id, t.kind, t.score.toFixed(1), ciText(t.score, t.ci), String(t.games)]),
    [true, false, false, true, true, true],
  );
  boards.replaceChildren(
    h("h2", { id: "rt-boards-title" }, "Red Team boards"),
    h(
      "p",
      { class: "lb-meta muted small", "data-testid": "rt-boards-meta" },
      `${b.data.games.toLocaleString("en")} ranked games · snapshot ${b.snapshot} · `,
      h("a", { href: "/redteam.json" }, "redteam.json"),
      " · ",
      h("a", { href: "/api/export/redteam.jsonl" }, "games (JSONL)"),
      " · ",
      h("a", { href: "/about#redteam" }, "how it is scored"),
    ),
    players,
    models,
    targets,
  );
  boards.dataset.snapshot = b.snapshot;
}

function boardsNotReady() {
  boards.replaceChildren(
    h("h2", { id: "rt-boards-title" }, "Red Team boards"),
    h(
      "div",
      { class: "banner info", role: "status", "data-testid": "rt-boards-not-ready" },
      h("p", {}, h("strong", {}, "No games rated yet. ")),
      h(
        "p",
        {},
        "The boards appear once ranked games have been played and the ratings have been computed (every few minutes).",
      ),
    ),
  );
}

async function loadBoards(): Promise<void> {
  try {
    const res = await fetch("/redteam.json", { headers: { accept: "application/json" } });
    const type = res.headers.get("content-type") ?? "";
    // 503 not_ready before the first snapshot; 404 or a page instead of JSON while publishing does not exist yet.
    if (!res.ok || !type.includes("json")) {
      if (res.status === 503 || res.status === 404 || (res.ok && !type.includes("json"))) boardsNotReady();
      else throw new ApiError(res.status, "http_error", `The server answered ${res.status}.`);
    } else {
      renderBoards((await res.json()) as RedteamBoard);
    }
  } catch (err) {
    boards.replaceChildren(
      h("h2", { id: "rt-boards-title" }, "Red Team boards"),
      h(
        "p",
        { class: "banner error", role: "alert" },
        `Could not load the boards: ${describeError(err)} `,
        h("button", { type: "button", onclick: () => void loadBoards() }, "Retry"),
      ),
    );
  }
  boards.setAttribute("aria-busy", "false");
}

// ---------------------------------------------------------------- page

input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    void send();
  }
});
input.addEventListener("input", sync);
kindSelect.addEventListener("change", () => {
  const k = kinds.find((x) => x.kind === kindSelect.value);
  kindHelp.textContent = k ? `${k.description} (${durationText(k.seconds * 1000)})` : "";
  sync();
});

const gameId = new URLSearchParams(location.search).get("game");
if (gameId) {
  await Promise.all([showGame(gameId), loadBoards()]);
  main.append(boards);
} else {
  main.replaceChildren(
    h(
      "div",
      { class: "page-intro" },
      h("h1", {}, "Red Team Arena"),
      h(
        "p",
        { class: "muted" },
        "Against the server's clock (one minute per game), make a named model do what it must not: write a forbidden phrase, reveal a secret, or leak its system prompt. ",
        h("a", { href: "/about#redteam" }, "Rules and scoring"),
        ".",
      ),
      h(
        "p",
        { class: "muted small" },
        "Transcripts of ranked games are published in the open dataset with personal data scrubbed: do not type personal information.",
      ),
    ),
    setupError,
    h(
      "form",
      {
        class: "setup rt-setup",
        onsubmit: (e: Event) => {
          e.preventDefault();
          void start();
        },
      },
      h("label", { for: kindSelect.id }, "Kind of attack", kindSelect),
      h("label", { for: modelSelect.id }, "Model", modelSelect),
      h("div", { class: "actions" }, startButton),
    ),
    kindHelp,
    rankedLine,
    gameSection,
    h(
      "section",
      { class: "rt-players", "aria-labelledby": "rt-player-title" },
      h("h2", { id: "rt-player-title" }, "Your handle"),
      playerBox,
    ),
    boards,
  );
  renderPlayer();
  sync();
  const [k, m] = await Promise.allSettled([
    getJson<Kind[]>("/api/redteam/kinds"),
    getJson<PublicModel[]>("/api/models"),
    loadBoards(),
  ]);
  if (k.status === "fulfilled") {
    kinds = k.value;
    kindSelect.replaceChildren(...kinds.map((x) => h("option", { value: x.kind }, x.title)));
    kindSelect.dispatchEvent(new Event("change"));
  } else {
    setupError.textContent = `Could not load the kinds of game: ${describeError(k.reason)}`;
    setupError.hidden = false;
  }
  const rt = m.status === "fulfilled" ? m.value.filter((x) => x.modes.includes("redteam")) : [];
  modelSelect.replaceChildren(
    h("option", { value: "" }, "Any model (the arena picks)"),
    ...rt.map((x) => h("option", { value: x.id }, `${x.name} · ${x.organization}`)),
  );
  sync();
}
markReady();
