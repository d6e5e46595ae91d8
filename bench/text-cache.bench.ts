/**
 * The per-user text-feature cache: encoding N WordNet noun prompts cold (every text through the text tower, stored
 * in a fresh cache file) against warm (a fresh encoder and a reopened cache file, as a second job, project or
 * restarted Studio gets them), with CLIP's real projection width (512) on the factory's random-weight text tower.
 * Also measures what float16 storage costs: the worst cosine between a cached float16 feature and the fresh float32
 * one, and the file size, extrapolated to all ~118k nouns.
 * Run: npm run bench:text-cache [-- --words N] [--width W] [--precision float16|float32]. Ends with a RESULT line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTinyClip } from '../src/main/onnx/factory';
import { WordNetNouns } from '../src/main/pipeline/describe/wordnet-nouns';
import { createOnnxClipEncoder, type ClipEncoder, type TextCachePrecision } from '../src/main/pipeline/features';
import { TextFeatureCacheDb } from '../src/main/store/text-feature-cache';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const WORDS = Number(flag('words', '20000'));
const WIDTH = Number(flag('width', '64'));
const PRECISION = flag('precision', 'float16') as TextCachePrecision;
const DIM = 512;
const ALL_NOUNS = 117_953;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synood-text-cache-bench-'));
  const opened: ClipEncoder[] = [];
  try {
    const clipDir = path.join(dir, 'clip');
    writeTinyClip(clipDir, { seed: 1, imageSize: 16, width: WIDTH, heads: 4, layers: 2, projectionDim: DIM });
    const nouns = WordNetNouns.load().lemmas();
    const texts = [...new Set(nouns.slice(0, WORDS).map((w) => `a photo of a ${w}.`))];
    const cacheFile = path.join(dir, 'home', 'cache', 'text-features.sqlite');
    const encoder = async (cache: TextFeatureCacheDb | null) => {
      const enc = await createOnnxClipEncoder({
        visionModelPath: path.join(clipDir, 'onnx', 'vision_model.onnx'),
        textModelPath: path.join(clipDir, 'onnx', 'text_model.onnx'),
        tokenizerDir: clipDir,
        batchSize: 256,
        textCache: cache ? { cache, precision: PRECISION } : undefined,
      });
      opened.push(enc);
      return enc;
    };

    const coldCache = TextFeatureCacheDb.open(cacheFile);
    const cold = await encoder(coldCache);
    let t = performance.now();
    const coldFeats = await cold.encodeTexts(texts);
    const coldMs = performance.now() - t;
    coldCache.close();

    const warmCache = TextFeatureCacheDb.open(cacheFile);
    const warm = await encoder(warmCache);
    t = performance.now();
    const warmFeats = await warm.encodeTexts(texts);
    const warmMs = performance.now() - t;
    const stats = warmCache.stats();
    warmCache.close();
    if (warm.runs.text !== 0) throw new Error(`warm run called the text tower ${warm.runs.text} times`);
    if (warmFeats.some((v, i) => v !== coldFeats[i])) throw new Error('warm features differ from cold ones');

    // The error float16 storage adds, against a fresh float32 encoding of the same texts.
    const fresh = await (await encoder(null)).encodeTexts(texts);
    let worst = 0;
    for (let r = 0; r < texts.length; r++) {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let j = r * DIM; j < (r + 1) * DIM; j++) {
        dot += warmFeats[j]! * fresh[j]!;
        na += warmFeats[j]! ** 2;
        nb += fresh[j]! ** 2;
      }
      worst = Math.max(worst, Math.abs(1 - dot / Math.sqrt(na * nb)));
    }

    const fileBytes = ['', '-wal'].map((s) => (fs.existsSync(cacheFile + s) ? fs.statSync(cacheFile + s).size : 0)).reduce((a, b) => a + b, 0);
    const mb = (b: number) => (b / 1e6).toFixed(1);
    const valueBytes = PRECISION === 'float16' ? 2 : 4;
    console.log(`${texts.length} noun prompts, text tower width ${WIDTH}, features ${DIM}-dim, stored as ${PRECISION}`);
    console.log(`cold (encode + store): ${(coldMs / 1000).toFixed(2)} s, ${cold.runs.text} text-tower calls`);
    console.log(`warm (reopened cache, fresh encoder): ${(warmMs / 1000).toFixed(2)} s, ${warm.runs.text} text-tower calls`);
    console.log(`cache file ${mb(fileBytes)} MB for ${stats.rows} rows (feature data ${mb(stats.bytes)} MB)`);
    console.log(`all ${ALL_NOUNS} WordNet nouns × ${DIM}: float32 ${mb(ALL_NOUNS * DIM * 4)} MB, float16 ${mb(ALL_NOUNS * DIM * 2)} MB of feature data`);
    console.log(`worst 1 − cosine(cached, fresh float32): ${worst.toExponential(2)}`);
    console.log(
      `RESULT words=${texts.length} precision=${PRECISION} cold_s=${(coldMs / 1000).toFixed(3)} warm_s=${(warmMs / 1000).toFixed(3)} ratio=${(coldMs / warmMs).toFixed(1)} ` +
        `max_cos_err=${worst.toExponential(2)} bytes_per_row=${DIM * valueBytes} file_mb=${mb(fileBytes)}`,
    );
  } finally {
    for (const e of opened) await e.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
