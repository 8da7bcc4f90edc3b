export const DEFAULT_CHROMIUM: string;
export function ensureBrowser(options?: {
  env?: Record<string, string | undefined>;
  defaultPath?: string;
  isRoot?: boolean;
}): string;
