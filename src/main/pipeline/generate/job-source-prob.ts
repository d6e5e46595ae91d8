import { classPrompt, FINETUNE_CLASS_TEMPLATE } from '../../ood';
import type { Db } from '../../store/db';
import { classesOfDataset } from '../../store/classes';
import { normaliseRows } from '../features/normalise-rows';
import type { ClipEncoder } from '../features';

/** CLIP's logit scale in zero-shot classification (docs/METHOD.md §4–§6: 100·cos). */
const LOGIT_SCALE = 100;

interface ClassTexts {
  classIds: number[];
  /** Unit rows, one per class, in `classIds` order. */
  features: Float32Array;
}

/**
 * P(source class | candidate) under CLIP zero-shot over the source dataset's InD classes ('a nice {class}', §6):
 * softmax of 100·cos. A high value means the main object survived the repaint, so curators can reject it.
 * Class text features are encoded once per dataset and kept for the job.
 */
export class SourceClassProbability {
  private readonly byDataset = new Map<number, Promise<ClassTexts>>();

  constructor(
    private readonly db: Db,
    private readonly encoder: ClipEncoder,
  ) {}

  /** null when the source image has no class to ask about. */
  async of(image: Buffer, datasetId: number, classId: number | null): Promise<number | null> {
    if (classId === null) return null;
    const texts = await this.classTexts(datasetId);
    const index = texts.classIds.indexOf(classId);
    if (index < 0) return null;
    const dim = this.encoder.dim;
    const img = normaliseRows(await this.encoder.encodeImages([image]), dim);
    const logits = texts.classIds.map((_, r) => {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += img[j]! * texts.features[r * dim + j]!;
      return LOGIT_SCALE * dot;
    });
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    return exps[index]! / exps.reduce((a, b) => a + b, 0);
  }

  private classTexts(datasetId: number): Promise<ClassTexts> {
    let texts = this.byDataset.get(datasetId);
    if (!texts) {
      texts = this.encodeClasses(datasetId);
      this.byDataset.set(datasetId, texts);
      texts.catch(() => this.byDataset.delete(datasetId));
    }
    return texts;
  }

  private async encodeClasses(datasetId: number): Promise<ClassTexts> {
    const rows = classesOfDataset(this.db, datasetId);
    const features = normaliseRows(await this.encoder.encodeTexts(rows.map((r) => classPrompt(r.name, FINETUNE_CLASS_TEMPLATE))), this.encoder.dim);
    return { classIds: rows.map((r) => r.id), features };
  }
}
