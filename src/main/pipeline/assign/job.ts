import path from 'node:path';
import { labelsAssignJob } from '../../../shared/jobs';
import { ItemError, type JobContext, type JobHandler } from '../../jobs/handler';
import { assignNegativeLabels, fillTemplate, matrix, negLabelScore, NEGLABEL_CLASS_TEMPLATE, type Matrix } from '../../ood';
import { insertModelAssignment } from '../../store/label-assignments';
import type { ClipEncoder } from '../features';
import { indTrainClasses } from '../mine-labels/ind-classes';
import { openProjectClip } from '../mine-labels/project-clip';
import { groupCountFor, labelFeatures, selectedNegatives } from '../mine-labels/selected-negatives';
import { TextFeatureMemo } from '../mine-labels/text-features';
import { candidateFile, setModelLabel, setNeglabelScore } from '../../store/candidates';

interface AssignState {
  encoder: ClipEncoder;
  labelIds: number[];
  negatives: Matrix;
  classes: Matrix;
  ngroups: number;
}

/**
 * 'labels.assign' (docs/METHOD.md §5): each candidate's CLIP feature gets the top-1 of softmax(100·cos) over the
 * selected negative labels only, recorded in label_assignments and, unless a curator relabelled it, on the
 * candidate itself. Its grouped NegLabel score (§4) is stored too, so curators can sort by it.
 */
function createAssignLabelsHandler(): JobHandler<typeof labelsAssignJob.kind> {
  // What prepare loads for the job (models, features), released by dispose: held by this handler instance, not the module.
  let state: AssignState | null = null;
  return {
    kind: labelsAssignJob.kind,
    async prepare(ctx: JobContext) {
      const db = ctx.project.db;
      const { encoder } = await openProjectClip(ctx.project, { textCache: ctx.textFeatures });
      const texts = new TextFeatureMemo(encoder);
      const negatives = selectedNegatives(db);
      const classes = indTrainClasses(db);
      const d = encoder.dim;
      state = {
        encoder,
        labelIds: negatives.map((n) => n.id),
        negatives: matrix(await labelFeatures(texts, negatives), negatives.length, d),
        classes: matrix(await texts.encode(classes.names.map((n) => fillTemplate(NEGLABEL_CLASS_TEMPLATE, n))), classes.names.length, d),
        ngroups: groupCountFor(negatives.length),
      };
    },
    async runItem(ctx, _params, item) {
      const s = state!;
      const db = ctx.project.db;
      // A candidate deleted since the job was queued simply drops out.
      const rows = item.payload.candidateIds.map((id) => candidateFile(db, id)).filter((r) => r !== undefined);
      if (rows.length === 0) return () => {};
      let feats: Float32Array;
      try {
        feats = await s.encoder.encodeImages(rows.map((r) => path.join(ctx.project.paths.root, r.file_path)));
      } catch (e) {
        throw new ItemError(`could not encode candidate images ${rows[0]!.id}–${rows[rows.length - 1]!.id}: ${(e as Error).message}`);
      }
      const images = matrix(feats, rows.length, s.encoder.dim);
      const assigned = assignNegativeLabels(images, s.negatives, { normalize: true });
      const scores = negLabelScore(images, s.classes, s.negatives, { normalize: true, ngroups: s.ngroups });
      const now = Date.now();
      return (tx) => {
        // A curator's relabel (label_source 'human') always wins over the model (setModelLabel).
        rows.forEach((r, i) => {
          const labelId = s.labelIds[assigned.label[i]!]!;
          insertModelAssignment(tx, r.id, labelId, assigned.prob[i]!, assigned.margin[i]!, now);
          setNeglabelScore(tx, r.id, scores[i]!);
          setModelLabel(tx, r.id, labelId, assigned.margin[i]!);
        });
      };
    },
    async dispose() {
      await state?.encoder.release();
      state = null;
    },
  };
}

export const assignLabelsHandler = createAssignLabelsHandler();
