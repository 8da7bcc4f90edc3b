export function startFakeOpenAI(options?: {
  tokens?: number;
  firstMs?: number;
  gapMs?: number;
  text?: (i: number) => string;
}): Promise<{
  url: string;
  requests: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: any }[];
  close: () => Promise<void>;
}>;
