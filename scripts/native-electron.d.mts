// Types for scripts/native-electron.mjs (plain ESM so that npm scripts run it without a TypeScript loader).
export interface NativeTarget {
  runtime: 'electron' | 'node';
  version: string;
  abi: string;
  platform: string;
  arch: string;
}
export interface BuildStep {
  kind: 'prebuilt' | 'source' | 'source-offline';
  cmd: string;
  args: string[];
}
export type EnsureResult = { ok: true; file: string; method: 'cached' | BuildStep['kind'] } | { ok: false; message: string };
export const ROOT: string;
export const ADDON: string;
export function electronTarget(root?: string): NativeTarget;
export function electronBinary(root?: string, env?: NodeJS.ProcessEnv): string | null;
export function nodeVersionNote(t: NativeTarget, version?: string): string | null;
export function cacheKey(t: NativeTarget): string;
export function cacheDir(t: NativeTarget, root?: string): string;
export function cachedBuild(t: NativeTarget, root?: string): { file: string; manifest: Record<string, string> } | null;
export function buildEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function buildPlan(t: NativeTarget, opts?: { headers?: string; devdir?: string; root?: string }): BuildStep[];
export function explainFailure(output: string): string;
export function probeAbi(file: string): string | null;
export function failureMessage(t: NativeTarget, failures: { kind: string; headers?: string; reason: string }[]): string;
export function ensureSqlite(
  t: NativeTarget,
  opts?: {
    root?: string;
    force?: boolean;
    headers?: string;
    log?: (line: string) => void;
    run?: (cmd: string, args: string[], cwd: string) => { status: number; output: string };
    probe?: (file: string) => string | null;
  },
): EnsureResult;
