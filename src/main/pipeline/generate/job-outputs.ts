import path from 'node:path';
import sharp from 'sharp';
import type { IterationPreview } from '../../../shared/api/routes/candidate-detail';
import { writeFileAtomic } from '../../files/atomic';
import { THUMB_SIZE } from '../import/import-item';
import { encodePng, type RgbImage } from './image-io';

/** Iteration previews are shown small (the detail panel, the live view): no need to keep them at full size. */
const PREVIEW_SIZE = 256;

export interface CandidateFiles {
  /** Project-relative paths, '/'-separated, as the database stores them. */
  fileRel: string;
  thumbRel: string;
  previews: IterationPreview[];
  /** Iteration 1's decode at full size (the unguided image of the same seed), when it was asked for. */
  unguidedRel: string | null;
  /** Milliseconds spent encoding and writing the unguided PNG (0 without it): its whole cost. */
  unguidedMs: number;
  /** The final PNG's bytes (scored by CLIP without reading the file back). */
  png: Buffer;
}

function toSharp(image: RgbImage) {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } });
}

/**
 * Writes one candidate's files (and `unguided`, iteration 1's decode, under unguided/ when given), atomically, under names fixed by (job, image, seed): a killed job that redoes the
 * item overwrites the same files instead of leaving orphans. Previews are numbered from 1, as IterationPreview.
 */
export async function writeCandidateFiles(
  projectRoot: string,
  key: { jobId: number; imageId: number; seed: number },
  final: RgbImage,
  iterations: { image: RgbImage; loss: number | null }[],
  unguided: RgbImage | null = null,
): Promise<CandidateFiles> {
  const stem = `${key.imageId}_${key.seed}`;
  const fileRel = `candidates/${key.jobId}/${stem}.png`;
  const thumbRel = `thumbs/candidates/${key.jobId}/${stem}.jpg`;
  const abs = (rel: string) => path.join(projectRoot, ...rel.split('/'));
  const png = await encodePng(final);
  const thumb = await sharp(png).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
  const previews: IterationPreview[] = [];
  for (const [k, it] of iterations.entries()) {
    const rel = `candidates/${key.jobId}/previews/${stem}_${k + 1}.jpg`;
    writeFileAtomic(abs(rel), await toSharp(it.image).resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer());
    previews.push({ iteration: k + 1, path: rel, loss: it.loss });
  }
  let unguidedRel: string | null = null;
  let unguidedMs = 0;
  if (unguided) {
    const t = performance.now();
    unguidedRel = `candidates/${key.jobId}/unguided/${stem}.png`;
    writeFileAtomic(abs(unguidedRel), await encodePng(unguided));
    unguidedMs = performance.now() - t;
  }
  writeFileAtomic(abs(thumbRel), thumb);
  // The final image last: its presence means the item's files are complete.
  writeFileAtomic(abs(fileRel), png);
  return { fileRel, thumbRel, previews, unguidedRel, unguidedMs, png };
}
