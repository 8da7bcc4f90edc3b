export interface Files {
  files: string[];
  raw: number;
  gzip: number;
}
export const BATTLE_PAGE_BUDGET: number;
export function measureBundles(): Promise<{ page: string; initial: Files; lazy: Files; total: number }[]>;
export function kb(n: number): string;
