export const root: string;
export const publicDir: string;
export const outdir: string;
export interface Page {
  file: string;
  entry: string;
  title: string;
  description: string;
  mainClass?: string;
  main: string;
  loading?: string;
}
export const PAGES: Record<string, Page>;
export const PAGE_ENTRIES: Record<string, string>;
export function fill(template: string, values: Record<string, string | undefined>): string;
export function renderPages(): Record<string, string>;
export function buildPages(dir?: string): string[];
export const buildOptions: import("esbuild").BuildOptions;
export function buildUi(options?: { metafile?: string }): Promise<import("esbuild").BuildResult>;
