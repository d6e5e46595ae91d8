/** The studio's pages, in workflow order. Each page registers itself in pages/index.tsx. */
export type PageId = 'project' | 'datasets' | 'jobs';

export const PAGES: { id: PageId; label: string; needsProject: boolean }[] = [
  { id: 'project', label: 'Project', needsProject: false },
  { id: 'datasets', label: 'Datasets', needsProject: true },
  { id: 'jobs', label: 'Jobs', needsProject: true },
];
