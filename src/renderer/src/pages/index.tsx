import type { Project } from '../../../shared/api';
import type { PageId } from '../navigation';
import { ProjectPage } from './ProjectPage';
import { DatasetsPage } from './DatasetsPage';
import { JobsPage } from './JobsPage';

/** Exhaustive over PageId: a page added to navigation without a view fails typecheck. */
export function PageView({ page, project, onNavigate }: { page: PageId; project: Project | null; onNavigate: (p: PageId) => void }) {
  switch (page) {
    case 'project':
      return <ProjectPage project={project} onOpened={() => onNavigate('datasets')} />;
    case 'datasets':
      return <DatasetsPage />;
    case 'jobs':
      return <JobsPage />;
  }
}
