import { z } from 'zod';
import { route } from '../route';

export const Project = z.object({
  id: z.number().int(),
  name: z.string(),
  dir: z.string(),
  createdAt: z.number(),
  schemaVersion: z.number().int(),
});
export type Project = z.infer<typeof Project>;

const ProjectDir = z.string().min(1).max(4096).describe('absolute path of the project folder');

export const appRoutes = {
  'app.info': route(
    z.object({}).strict(),
    z.object({ version: z.string(), project: Project.nullable(), transport: z.enum(['electron', 'browser', 'direct']) }),
    'Studio version and the open project',
  ),
  'project.create': route(
    z.object({ dir: ProjectDir, name: z.string().min(1).max(200) }).strict(),
    Project,
    'Create a project folder (refused if it already holds a project) and open it',
  ),
  'project.open': route(z.object({ dir: ProjectDir }).strict(), Project, 'Open an existing project folder'),
  'project.recent': route(z.object({}).strict(), z.array(z.object({ dir: z.string(), name: z.string(), openedAt: z.number() })), 'Recently opened projects'),
} as const;
