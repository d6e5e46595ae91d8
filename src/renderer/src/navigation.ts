/** The studio's pages, in workflow order. Each page registers itself in pages/index.tsx. */
export type PageId = 'project' | 'datasets' | 'models' | 'prompts' | 'generate' | 'curate' | 'train' | 'evaluate' | 'compare' | 'jobs';

export const PAGES: { id: PageId; label: string; needsProject: boolean }[] = [
  { id: 'project', label: 'Project', needsProject: false },
  { id: 'datasets', label: 'Datasets', needsProject: true },
  { id: 'models', label: 'Models', needsProject: true },
  { id: 'prompts', label: 'Prompts', needsProject: true },
  { id: 'generate', label: 'Generate', needsProject: true },
  { id: 'curate', label: 'Curate', needsProject: true },
  { id: 'train', label: 'Train', needsProject: true },
  { id: 'evaluate', label: 'Evaluate', needsProject: true },
  { id: 'compare', label: 'Compare runs', needsProject: true },
  { id: 'jobs', label: 'Jobs', needsProject: true },
];

/** The page a URL names: `#/evaluate` (the hash keeps it across reloads, in the browser and in Electron alike). */
export function pageFromHash(hash: string): PageId | null {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return PAGES.find((p) => p.id === id)?.id ?? null;
}

export const hashOf = (page: PageId) => `#/${page}`;
