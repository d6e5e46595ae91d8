import { openProject } from '../../project/project';
import { openProjectClip } from '../mine-labels/project-clip';
import { resolveTuning, type RequestedSwitches } from './job-tuned';
import { scoringTexts } from './job-text-inputs';
import { exportScorerOnnx } from './scorer-export';
import { negativesWithTunedLabels } from './tuned-model';

/**
 * scorer.onnx for a run (issue §10): pixel_values → ood_score with the CLIP vision tower, the run's trained parts
 * (resolved as an evaluation resolves them) and the project's current text features baked in. Inputs are
 * pixel_values preprocessed as the studio does (resize, center-crop, the CLIP folder's preprocessor_config.json mean/std:
 * CLIP's for real CLIP exports).
 */
export async function exportRunScorer(projectDir: string, runId: number, outFile: string, requested: RequestedSwitches = { projection: true, tunedLabels: true }): Promise<{ file: string; used: Record<string, unknown> }> {
  const project = openProject(projectDir);
  try {
    const clip = await openProjectClip(project);
    try {
      const texts = await scoringTexts(project.db, clip.encoder);
      const tuning = resolveTuning(project.db, project.paths.runs, runId, requested, texts.negativeIds, texts.dim);
      const negatives = tuning.switches.useTunedLabels ? negativesWithTunedLabels(texts.negatives, texts.dim, tuning.tuned.tunedLabels!) : texts.negatives;
      exportScorerOnnx({
        visionModel: clip.visionTower(),
        dim: texts.dim,
        classes: texts.classes,
        negatives,
        projection: tuning.switches.useProjection ? tuning.tuned.projection : undefined,
        ngroups: texts.ngroups,
        outPath: outFile,
      });
      return { file: outFile, used: { ...tuning.record, ngroups: texts.ngroups, negatives: texts.negativeIds.length, classes: texts.classNames.length } };
    } finally {
      await clip.encoder.release();
    }
  } finally {
    project.db.close();
  }
}
