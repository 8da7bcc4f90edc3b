// Entry of index.html, which the assets binding also serves for unknown paths (single-page-application mode):
// `/` is the anonymous battle, `/battle/:id` the read-only view of one battle, anything else "not found".
import { h, markReady } from "../lib/dom";
import { Duel } from "../lib/duel";
import { installCopyButtons } from "../lib/markdown";
import { createNotice } from "../lib/notice";
import { consentGiven } from "../lib/storage";

const main = document.getElementById("main")!;
installCopyButtons();

const path = location.pathname.replace(/\/+$/, "") || "/";
const battle = /^\/battle\/([^/]+)$/.exec(path);

if (path === "/") {
  const notice = createNotice();
  const duel = new Duel({ mode: "anonymous", createBody: () => ({ mode: "anonymous", consent: consentGiven() }) });
  main.replaceChildren(
    notice.el,
    h(
      "div",
      { class: "page-intro" },
      h("h1", {}, "Arena"),
      h(
        "p",
        { class: "muted" },
        "Two anonymous models answer your prompt. Vote for the better one, then see who they were.",
      ),
    ),
    duel.el,
    notice.summary,
  );
  if (matchMedia("(pointer: fine)").matches) duel.focusPrompt();
  markReady();
} else if (battle) {
  document.title = "Battle · Arena";
  void import("./battle-view").then((m) => m.showBattle(main, decodeURIComponent(battle[1]!)));
} else {
  document.title = "Not found · Arena";
  main.replaceChildren(
    h("h1", {}, "Page not found"),
    h(
      "p",
      {},
      "There is nothing at this address. ",
      h("a", { href: "/" }, "Start a battle"),
      " or read the ",
      h("a", { href: "/leaderboard" }, "leaderboard"),
      ".",
    ),
  );
  markReady();
}
