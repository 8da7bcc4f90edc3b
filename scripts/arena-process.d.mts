export function freePort(): Promise<number>;
export function startArena(options?: {
  vars?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
  state?: string;
  cwd?: string;
  dotDevVars?: boolean;
}): Promise<{
  url: string;
  state: string;
  /** The ADMIN_TOKEN the arena was started with. */
  adminToken: string;
  stop: () => Promise<void>;
  output: () => string;
}>;
export function localD1(state: string, args: string[]): Promise<string>;
