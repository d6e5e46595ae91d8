import fs from 'node:fs';
import path from 'node:path';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { Studio } from '../../src/main/root';
import { writeImage } from '../helpers/images';
import { jobDone, openProbe, registerModel, value } from './stage-project';

/** Helpers for the OOD-stage tests (mine, assign, train, evaluate): a project with datasets, a tiny CLIP, candidates. */

export const IND_CLASSES = ['cat', 'dog', 'fox'];
/** Small vision input so every image encodes in a fraction of a millisecond. */
export const TINY_CLIP = { imageSize: 16, patchSize: 8, seed: 5 };

async function importFolder(studio: Studio, name: string, kind: 'ind-train' | 'ind-test' | 'ood-test', folder: string, layout: 'imagefolder' | 'flat'): Promise<number> {
  const { datasetId, jobId } = value<{ datasetId: number; jobId: number }>(await studio.call('dataset.import', { name, kind, source: { type: 'folder', path: folder, layout } }));
  const job = await jobDone(studio, jobId);
  if (job.state.status !== 'completed') throw new Error(`import of ${name} ended ${job.state.status}`);
  return datasetId;
}

export interface OodProject {
  studio: Studio;
  projectDir: string;
  home: string;
  clipDir: string;
  oodSets: number;
}

/**
 * A fresh project with an InD-train ImageFolder (3 classes × perClass), an InD-test set, `oodSets` OOD-test sets,
 * the tiny CLIP registered through the model manager, and `candidates` synthetic images as candidate rows.
 */
export async function oodProject(root: string, o: { perClass?: number; indTest?: number; oodSets?: number; oodSize?: number; candidates?: number; home?: string } = {}): Promise<OodProject> {
  const perClass = o.perClass ?? 4;
  const src = path.join(root, 'src');
  for (const [ci, c] of IND_CLASSES.entries()) for (let i = 0; i < perClass; i++) await writeImage(path.join(src, 'train', c, `${i}.png`), ci * 100 + i, 20);
  for (let i = 0; i < (o.indTest ?? 12); i++) await writeImage(path.join(src, 'ind-test', `${i}.png`), 1000 + i, 20);
  const oodSets = o.oodSets ?? 0;
  for (let s = 0; s < oodSets; s++) for (let i = 0; i < (o.oodSize ?? 10); i++) await writeImage(path.join(src, `ood-${s}`, `${i}.png`), 2000 + 97 * s + i * 3, 12 + s * 6);
  const clipDir = path.join(root, 'tiny-clip');
  writeTinyClip(clipDir, TINY_CLIP);

  const home = o.home ?? path.join(root, 'home');
  const projectDir = path.join(root, 'proj');
  const studio = new Studio({ transport: 'direct', homeDir: home });
  value(await studio.call('project.create', { dir: projectDir, name: 'ood stages' }));
  await importFolder(studio, 'train', 'ind-train', path.join(src, 'train'), 'imagefolder');
  await importFolder(studio, 'ind-test', 'ind-test', path.join(src, 'ind-test'), 'flat');
  for (let s = 0; s < oodSets; s++) await importFolder(studio, `ood-${s}`, 'ood-test', path.join(src, `ood-${s}`), 'flat');
  await registerModel(projectDir, 'clip', clipDir);
  await addCandidates(projectDir, o.candidates ?? 0);
  return { studio, projectDir, home, clipDir, oodSets };
}

/** Synthetic-image rows as the generation stage leaves them: a PNG under candidates/ and a 'new' candidate. */
export async function addCandidates(projectDir: string, n: number): Promise<number[]> {
  const db = openProbe(projectDir);
  try {
    const sources = db.prepare("SELECT id, class_id FROM images WHERE class_id IS NOT NULL ORDER BY id").all() as { id: number; class_id: number }[];
    const ins = db.prepare("INSERT INTO candidates (source_image_id, class_id, seed, objective, file_path, created_at) VALUES (?, ?, ?, 'energy', ?, ?)");
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const rel = `candidates/test/${i}.png`;
      await writeImage(path.join(projectDir, rel), 5000 + i * 7, 16 + (i % 5));
      const src = sources[i % sources.length]!;
      ids.push(Number(ins.run(src.id, src.class_id, i, rel, Date.now()).lastInsertRowid));
    }
    return ids;
  } finally {
    db.close();
  }
}

/** A selected negative-label vocabulary written straight into neg_labels (mining itself is tested in mine.test.ts). */
export function seedNegatives(projectDir: string, nouns: string[], adjectives: string[]): number[] {
  const db = openProbe(projectDir);
  try {
    const ins = db.prepare('INSERT INTO neg_labels (word, pos, template, mining_score, selected) VALUES (?, ?, ?, ?, 1)');
    return [
      ...nouns.map((w, i) => Number(ins.run(w, 'noun', 'the nice {}', i / 100).lastInsertRowid)),
      ...adjectives.map((w, i) => Number(ins.run(w, 'adj', 'This is a {} photo', i / 100).lastInsertRowid)),
    ];
  } finally {
    db.close();
  }
}

export function query<T>(projectDir: string, sql: string, ...args: unknown[]): T[] {
  const db = openProbe(projectDir);
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

export function exec(projectDir: string, sql: string, ...args: unknown[]): void {
  const db = openProbe(projectDir);
  try {
    db.prepare(sql).run(...args);
  } finally {
    db.close();
  }
}

export function fileExists(projectDir: string, rel: string): boolean {
  return fs.existsSync(path.join(projectDir, rel));
}
