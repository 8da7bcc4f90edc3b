// `/chat`: a conversation with one named model, with temperature and max tokens, and feedback on each reply
// (up, down, flag). Each reply is its own chat record on the server (`meta` event), so feedback names the reply.
import { ApiError, describeError, getJson, postJson, streamEvents, type Finish, type PublicModel } from "../lib/api";
import { h, markReady } from "../lib/dom";
import { installCopyButtons, renderMarkdown } from "../lib/markdown";
import { paramControls } from "../lib/params";

const main = document.getElementById("main")!;
installCopyButtons();

interface Message {
  role: "user" | "assistant";
  content: string;
}

let models: PublicModel[] = [];
let messages: Message[] = [];
let streaming = false;
let abort: AbortController | null = null;

const picker = h("select", { id: "chat-model", "data-testid": "model-select" }) as HTMLSelectElement;
const params = paramControls("chat");
const log = h("div", { class: "transcript chat-log", tabindex: 0, role: "region", "aria-label": "Conversation" });
const prompt = h("textarea", {
  id: "chat-prompt",
  "data-testid": "prompt-input",
  rows: 3,
  maxlength: 30000,
  placeholder: "Message the model… (Enter to send, Shift+Enter for a new line)",
}) as HTMLTextAreaElement;
const sendButton = h("button", { type: "submit", class: "primary", "data-testid": "send", disabled: true }, "Send");
const stopButton = h(
  "button",
  { type: "button", "data-testid": "stop", disabled: true, onclick: () => abort?.abort() },
  "Stop",
);
const newButton = h("button", { type: "button", "data-testid": "new-chat", onclick: () => newChat() }, "New chat");
const errorBanner = h("div", { class: "banner error", role: "alert", "data-testid": "error-banner", hidden: true });

const liveStatus = h("p", { class: "sr-only", role: "status" });

function sync() {
  liveStatus.textContent = streaming ? "The model is writing…" : messages.length ? "Reply finished." : "";
  sendButton.disabled = streaming || prompt.value.trim() === "" || !picker.value;
  stopButton.disabled = !streaming;
  main.dataset.phase = streaming ? "streaming" : "ready";
}

function emptyHint() {
  log.replaceChildren(h("p", { class: "empty-hint" }, "Pick a model and send a message to start."));
}

function newChat() {
  abort?.abort();
  messages = [];
  emptyHint();
  errorBanner.hidden = true;
  prompt.value = "";
  sync();
  prompt.focus();
}

// Inline icons (paths drawn on a 24×24 grid), so no icon font or emoji font is needed.
const THUMB =
  "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.5-1L13.2 1 6.6 7.6A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z";
const THUMB_DOWN =
  "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.5 1l1.1 1.1 6.6-6.6A2 2 0 0 0 18 15V5a2 2 0 0 0-2-2H7a2 2 0 0 0-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z";
const FLAG = "M14.4 6 14 4H5v17h2v-7h5.6l.4 2h7V6z";

function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
  p.setAttribute("d", path);
  p.setAttribute("fill", "currentColor");
  svg.append(p);
  return svg;
}

function feedbackBar(chatId: string): HTMLElement {
  const status = h("span", { class: "muted small", role: "status" });
  const kinds = [
    { kind: "up", label: "Good answer", text: "Good", icon: THUMB },
    { kind: "down", label: "Bad answer", text: "Bad", icon: THUMB_DOWN },
    { kind: "flag", label: "Flag as harmful or broken", text: "Flag", icon: FLAG },
  ] as const;
  const buttons = kinds.map((k) =>
    h(
      "button",
      {
        type: "button",
        "data-testid": `feedback-${k.kind}`,
        "aria-label": k.label,
        title: k.label,
        "aria-pressed": "false",
        onclick: async (e: Event) => {
          const button = e.currentTarget as HTMLButtonElement;
          for (const b of buttons) b.disabled = true;
          try {
            await postJson(`/api/chat/${chatId}/feedback`, { kind: k.kind });
            button.setAttribute("aria-pressed", "true");
            status.textContent = "Thanks for the feedback.";
          } catch (err) {
            for (const b of buttons) b.disabled = false;
            status.textContent = describeError(err);
          }
        },
      },
      icon(k.icon),
      k.text,
    ),
  );
  return h("div", { class: "feedback", role: "group", "aria-label": "Feedback on this answer" }, buttons, status);
}

/** "Auto (router)": the mf router at threshold ½ picks, per message, between the operator's strong and weak model. */
const AUTO = { id: "router-mf-0.5", name: "Auto (router)" };

async function send(retry = false) {
  const model = picker.value === AUTO.id ? AUTO : models.find((m) => m.id === picker.value);
  if (streaming || !model) return;
  if (!retry) {
    const content = prompt.value.trim();
    if (!content) return;
    if (messages.length === 0) log.replaceChildren();
    messages.push({ role: "user", content });
    log.append(h("div", { class: "msg user" }, h("span", { class: "sr-only" }, "You: "), content));
    prompt.value = "";
  }
  errorBanner.hidden = true;
  for (const old of log.querySelectorAll("[data-testid=answer-a]")) old.removeAttribute("data-testid");
  const answer = h("div", { class: "md answer", "data-testid": "answer-a" });
  const note = h("div", { class: "side-note" });
  const who = h("p", { class: "who muted small" }, model.name);
  const bubble = h("div", { class: "msg bot" }, who, answer, note);
  log.append(bubble);
  log.scrollTop = log.scrollHeight;

  streaming = true;
  sync();
  let text = "";
  let chatId: string | null = null;
  let finish: Finish | null = null;
  let failed = false;
  let frame = 0;
  const render = () => {
    frame = 0;
    const stick = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    renderMarkdown(answer, text);
    if (stick) log.scrollTop = log.scrollHeight;
  };
  const ctrl = (abort = new AbortController());
  try {
    await streamEvents(
      "/api/chat",
      { model: model.id, messages, ...params.values() },
      {
        meta: ({ id, model: routed }) => {
          chatId = id;
          // A routed reply says which model the router chose.
          if (routed) who.textContent = `${AUTO.name} → ${routed.name}`;
        },
        token: ({ text: t }) => {
          text += t;
          frame ||= requestAnimationFrame(render);
        },
        sideDone: ({ finish: f }) => (finish = f),
        error: () => (failed = true),
        done: () => {},
      },
      ctrl.signal,
    );
  } catch (err) {
    failed = true;
    if (!(err instanceof ApiError) || err.code !== "stream_interrupted") {
      if (!text) bubble.remove();
      if (!retry) {
        // The request was refused: give the prompt back so it can be sent again.
        const last = messages.pop();
        if (last) prompt.value = last.content;
        log.lastElementChild?.remove();
        if (messages.length === 0) emptyHint();
      }
      errorBanner.textContent = describeError(err);
      errorBanner.hidden = false;
      streaming = false;
      sync();
      return;
    }
  } finally {
    if (frame) cancelAnimationFrame(frame);
    if (abort === ctrl) abort = null;
  }
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  render();
  streaming = false;
  const stopped = ctrl.signal.aborted;
  if (failed && !stopped) {
    note.className = "side-note error";
    note.append(
      h("span", {}, "The model failed to respond. "),
      h(
        "button",
        {
          type: "button",
          class: "link",
          "data-testid": "retry",
          onclick: () => {
            bubble.remove();
            void send(true);
          },
        },
        "Retry",
      ),
    );
  } else {
    if (stopped) note.textContent = "Stopped.";
    else if (finish === "length") note.textContent = "Cut off at the length limit.";
    messages.push({ role: "assistant", content: text });
    if (chatId) bubble.append(feedbackBar(chatId));
  }
  if (atBottom) log.scrollTop = log.scrollHeight;
  sync();
}

prompt.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    void send();
  }
});
prompt.addEventListener("input", sync);

main.replaceChildren(
  h(
    "div",
    { class: "page-intro" },
    h("h1", {}, "Direct chat"),
    h("p", { class: "muted" }, "Talk to one model by name. Feedback is stored but does not change the leaderboard."),
  ),
  h(
    "form",
    { class: "setup", onsubmit: (e: Event) => e.preventDefault() },
    h("label", { for: picker.id }, "Model", picker),
    params.el,
  ),
  errorBanner,
  h("div", { class: "chat" }, log),
  liveStatus,
  h(
    "form",
    {
      class: "composer",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void send();
      },
    },
    h("label", { for: prompt.id, class: "sr-only" }, "Your message"),
    prompt,
    h("div", { class: "actions" }, sendButton, stopButton, newButton),
  ),
);
emptyHint();

try {
  models = (await getJson<PublicModel[]>("/api/models")).filter((m) => m.modes.includes("chat"));
  picker.replaceChildren(
    ...models.map((m) => h("option", { value: m.id }, `${m.name} · ${m.organization}`)),
    h("option", { value: AUTO.id, "data-testid": "model-auto" }, `${AUTO.name} · picks a model per message`),
  );
} catch (err) {
  errorBanner.textContent = `Could not load the models: ${describeError(err)}`;
  errorBanner.hidden = false;
}
sync();
if (matchMedia("(pointer: fine)").matches) prompt.focus();
markReady();
