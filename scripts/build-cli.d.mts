// Types for scripts/build-cli.mjs (plain ESM: `prepare` runs it right after npm ci, before any TypeScript loader).
export const OUT_DIR: string;
export const EXTERNAL: string[];
export function rewriteLazyLoads(source: string): string;
export function buildCli(opts?: { quiet?: boolean; outDir?: string }): Promise<{ outDir: string; sources: number; bytes: number } | null>;
