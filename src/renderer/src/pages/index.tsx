import type { Project } from '../../../shared/api';
import type { PageId } from '../navigation';
import { ProjectPage } from './ProjectPage';
import { DatasetsPage } from './DatasetsPage';
import { JobsPage } from './JobsPage';
import { ModelsPage } from './ModelsPage';
import { PromptsPage } from './PromptsPage';
import { GeneratePage } from './GeneratePage';
import { CuratePage } from './CuratePage';
import { TrainPage } from './TrainPage';
import { EvaluatePage } from './EvaluatePage';
import { ComparePage } from './ComparePage';

/** Exhaustive over PageId: a page added to navigation without a view fails typecheck. */
export function PageView({ page, project, onNavigate }: { page: PageId; project: Project | null; onNavigate: (p: PageId) => void }) {
  switch (page) {
    case 'project':
      return <ProjectPage project={project} onOpened={() => onNavigate('datasets')} />;
    case 'datasets':
      return <DatasetsPage />;
    case 'models':
      return <ModelsPage />;
    case 'prompts':
      return <PromptsPage onNavigate={onNavigate} />;
    case 'generate':
      return <GeneratePage onNavigate={onNavigate} />;
    case 'curate':
      return <CuratePage onNavigate={onNavigate} />;
    case 'train':
      return <TrainPage onNavigate={onNavigate} />;
    case 'evaluate':
      return <EvaluatePage onNavigate={onNavigate} />;
    case 'compare':
      return <ComparePage onNavigate={onNavigate} />;
    case 'jobs':
      return <JobsPage />;
  }
}
