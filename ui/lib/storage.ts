// What the browser remembers between visits (localStorage only; nothing about it is sent anywhere): whether the
// rules notice was dismissed, the data-sharing choices (battles, Red Team), and a local history of the person's own battles.
import type { Winner } from "./api";

const KEYS = {
  notice: "arena.notice.v1",
  consent: "arena.consent.v1",
  redteamConsent: "arena.redteam-consent.v1",
  history: "arena.history.v1",
} as const;
const MAX_HISTORY = 50;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: behave as a first visit every time
  }
}
function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage full or disabled: the feature degrades, the page keeps working
  }
}

export const noticeDismissed = () => read(KEYS.notice) === "dismissed";
export const dismissNotice = () => write(KEYS.notice, "dismissed");
export const consentGiven = () => read(KEYS.consent) === "yes";
export const setConsent = (yes: boolean) => write(KEYS.consent, yes ? "yes" : "no");
/** Red Team: release the transcripts of this browser's ranked games (asked separately from battles). */
export const redteamConsentGiven = () => read(KEYS.redteamConsent) === "yes";
export const setRedteamConsent = (yes: boolean) => write(KEYS.redteamConsent, yes ? "yes" : "no");

export interface HistoryEntry {
  id: string;
  mode: "anonymous" | "side-by-side";
  prompt: string;
  createdAt: number;
  turns: number;
  winner?: Winner;
  models?: { a: string; b: string };
}

export function readHistory(): HistoryEntry[] {
  try {
    const parsed = JSON.parse(read(KEYS.history) ?? "[]") as unknown;
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]).filter((e) => typeof e?.id === "string") : [];
  } catch {
    return [];
  }
}

/** Adds or updates the entry for a battle (newest first, at most 50 kept). */
export function saveHistory(entry: Partial<HistoryEntry> & { id: string }): void {
  const all = readHistory();
  const i = all.findIndex((e) => e.id === entry.id);
  const merged = { ...(i >= 0 ? all[i] : {}), ...entry } as HistoryEntry;
  if (i >= 0) all.splice(i, 1);
  all.unshift(merged);
  write(KEYS.history, JSON.stringify(all.slice(0, MAX_HISTORY)));
}

export function clearHistory(): void {
  write(KEYS.history, "[]");
}
