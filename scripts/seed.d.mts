export const DEFAULT_SEED: string;
export function seedModels(baseUrl: string, token: string, file?: string): Promise<number>;
export function readDevVars(file: string): Record<string, string>;
export const DEFAULT_ROUTING: string;
export function seedRouting(baseUrl: string, token: string, file?: string): Promise<{ strong: string; weak: string }>;
