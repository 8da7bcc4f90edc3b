// The battle stream (DESIGN section 4, contract): Server-Sent Events, one JSON object per `data:` line.
export type Side = "a" | "b";
export type SideFinish = "stop" | "length" | "error" | "stopped";

export type BattleEvent =
  /** A chat's first event; a routed chat (`router-…`) also names the model that answers and the route taken. */
  | { event: "meta"; data: { id: string; model?: { id: string; name: string }; route?: string } }
  | { event: "token"; data: { side: Side; text: string } }
  | { event: "side-done"; data: { side: Side; finish: SideFinish; tokens: number } }
  | { event: "error"; data: { side: Side; message: string } }
  | { event: "done"; data: { turn: number; canVote: boolean; counted: boolean; reason: string | null } };

export function encodeEvent(e: BattleEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** Parses a complete SSE text into events (for clients, tests and benchmarks of our own stream). */
export function parseEvents(text: string): { event: string; data: unknown }[] {
  const out: { event: string; data: unknown }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) out.push({ event, data: JSON.parse(data.join("\n")) });
  }
  return out;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;

/** Neutral error text (invariant 1): never the provider's own message. */
export const sideFailedMessage = (side: Side) => `Model ${side.toUpperCase()} failed to respond`;
