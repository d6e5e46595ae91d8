import fs from 'node:fs';
import path from 'node:path';

export interface RecentEntry {
  dir: string;
  name: string;
  openedAt: number;
}

const MAX = 20;

function recentFile(home: string) {
  return path.join(home, 'recent-projects.json');
}

/** One spelling per project folder: symlinks, '..' and trailing slashes resolved. Null when the folder is gone. */
function canonical(dir: string): string | null {
  try {
    return fs.realpathSync(path.resolve(dir));
  } catch {
    return null;
  }
}

const isProject = (dir: string) => fs.existsSync(path.join(dir, 'synood.db'));

function readRaw(home: string): RecentEntry[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(recentFile(home), 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as RecentEntry[]).filter((e) => typeof e?.dir === 'string' && typeof e?.name === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Recently opened projects, newest first: each project folder once (by its real path, whatever spelling opened it),
 * only those that still hold a project (temporary projects vanish from the list with their folders).
 */
export function readRecent(home: string): RecentEntry[] {
  const seen = new Set<string>();
  const out: RecentEntry[] = [];
  for (const e of [...readRaw(home)].sort((a, b) => (b.openedAt ?? 0) - (a.openedAt ?? 0))) {
    const dir = canonical(e.dir);
    if (!dir || seen.has(dir) || !isProject(dir)) continue;
    seen.add(dir);
    out.push({ dir, name: e.name, openedAt: e.openedAt ?? 0 });
  }
  return out;
}

/** Puts a project at the top of the list; the file keeps only live, distinct projects, at most MAX. */
export function rememberRecent(home: string, dir: string, name: string): void {
  const real = canonical(dir) ?? path.resolve(dir);
  const list = [{ dir: real, name, openedAt: Date.now() }, ...readRecent(home).filter((e) => e.dir !== real)].slice(0, MAX);
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(recentFile(home), JSON.stringify(list, null, 2));
}
