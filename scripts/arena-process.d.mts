export function freePort(): Promise<number>;
export function startArena(options?: {
  vars?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
  state?: string;
}): Promise<{
  url: string;
  state: string;
  stop: () => Promise<void>;
  output: () => string;
}>;
export function localD1(state: string, args: string[]): Promise<string>;
