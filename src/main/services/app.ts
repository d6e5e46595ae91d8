import path from 'node:path';
import type { Handlers } from '../../shared/api';
import { createProject, openProject } from '../project/project';
import type { StudioContext } from './context';
import { readRecent, rememberRecent } from './recent-projects';

const VERSION = '0.1.0';

export function appHandlers(ctx: StudioContext): Pick<Handlers, 'app.info' | 'project.create' | 'project.open' | 'project.recent'> {
  return {
    'app.info': () => ({ version: VERSION, project: ctx.hasProject() ? ctx.project().info : null, transport: ctx.transport }),
    'project.create': ({ dir, name }) => {
      const p = createProject(path.resolve(dir), name);
      ctx.setProject(p);
      rememberRecent(ctx.homeDir, p.paths.root, name);
      ctx.changed('projects');
      return p.info;
    },
    'project.open': ({ dir }) => {
      const p = openProject(path.resolve(dir));
      ctx.setProject(p);
      rememberRecent(ctx.homeDir, p.paths.root, p.info.name);
      ctx.changed('projects');
      return p.info;
    },
    'project.recent': () => readRecent(ctx.homeDir),
  };
}
