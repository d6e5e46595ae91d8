import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../../shared/api';
import { createProject, openProject } from '../project/project';
import type { StudioContext } from './context';

const VERSION = '0.1.0';

interface RecentEntry {
  dir: string;
  name: string;
  openedAt: number;
}

function recentFile(home: string) {
  return path.join(home, 'recent-projects.json');
}

function readRecent(home: string): RecentEntry[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(recentFile(home), 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as RecentEntry[]).filter((e) => typeof e?.dir === 'string') : [];
  } catch {
    return [];
  }
}

function remember(home: string, dir: string, name: string) {
  const list = [{ dir, name, openedAt: Date.now() }, ...readRecent(home).filter((e) => e.dir !== dir)].slice(0, 20);
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(recentFile(home), JSON.stringify(list, null, 2));
}

export function appHandlers(ctx: StudioContext): Pick<Handlers, 'app.info' | 'project.create' | 'project.open' | 'project.recent'> {
  return {
    'app.info': () => ({ version: VERSION, project: ctx.hasProject() ? ctx.project().info : null, transport: ctx.transport }),
    'project.create': ({ dir, name }) => {
      const p = createProject(path.resolve(dir), name);
      ctx.setProject(p);
      remember(ctx.homeDir, p.paths.root, name);
      ctx.changed('projects');
      return p.info;
    },
    'project.open': ({ dir }) => {
      const p = openProject(path.resolve(dir));
      ctx.setProject(p);
      remember(ctx.homeDir, p.paths.root, p.info.name);
      ctx.changed('projects');
      return p.info;
    },
    'project.recent': () => readRecent(ctx.homeDir).filter((e) => fs.existsSync(path.join(e.dir, 'synood.db'))),
  };
}
