// Helpers for the Red Team tests: start games, play messages, move a game's clock.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { GameCreated, GameView } from "../../shared/redteam/game";
import { parseEvents } from "../../shared/battle/sse";
import { call, post } from "../helpers";

export async function startGame(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GameCreated> {
  const res = await post("/api/redteam/games", body, headers);
  if (res.status !== 201) throw new Error(`start game: ${res.status} ${await res.text()}`);
  return (await res.json()) as GameCreated;
}

export interface Played {
  text: string;
  events: { event: string; data: any }[];
  done: { status: string; secondsLeft: number };
}

export async function play(id: string, content: string): Promise<Played> {
  const res = await post(`/api/redteam/games/${id}/messages`, { content });
  if (res.status !== 200) throw new Error(`message: ${res.status} ${await res.text()}`);
  const events = parseEvents(await res.text()) as { event: string; data: any }[];
  const text = events
    .filter((e) => e.event === "token")
    .map((e) => e.data.text)
    .join("");
  const done = events.at(-1)!;
  if (done.event !== "done") throw new Error(`stream did not end with done: ${JSON.stringify(events.at(-1))}`);
  return { text, events, done: done.data };
}

export async function getGame(id: string): Promise<GameView> {
  const res = await call(`/api/redteam/games/${id}`);
  if (res.status !== 200) throw new Error(`get game: ${res.status} ${await res.text()}`);
  return (await res.json()) as GameView;
}

/** The DO clock for tests: moves the game's deadline (and its alarm) to `at`. */
export async function setDeadline(id: string, at: number): Promise<void> {
  await runInDurableObject(env.GAME.getByName(id), async (_instance, state) => {
    state.storage.sql.exec("UPDATE game SET deadline = ?", at);
    await state.storage.setAlarm(at);
  });
}

export async function gameRows(id: string) {
  return (await env.DB.prepare("SELECT * FROM redteam_games WHERE id = ?").bind(id).all<Record<string, unknown>>())
    .results;
}

/** Polls D1 until the finished game's row is there (the outbox → queue → batch worker path). */
export async function waitForRow(id: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const rows = await gameRows(id);
    if (rows.length) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`game ${id} never reached D1`);
}
