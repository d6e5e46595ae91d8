import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** Writes a small procedural PNG (gradient + class-dependent stripes) so every file differs. */
export async function writeImage(file: string, seed: number, size = 24): Promise<void> {
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 3;
      px[o] = (x * 11 + seed * 37) & 255;
      px[o + 1] = (y * 7 + seed * 13) & 255;
      px[o + 2] = ((x + y) % (3 + (seed % 5)) === 0 ? 255 : 40 + seed) & 255;
    }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toFile(file);
}

/** An ImageFolder tree: `classes` sub-folders with `perClass` images each, plus `corrupt` broken files in the first class. */
export async function writeImageFolder(root: string, classes: string[], perClass: number, corrupt = 0): Promise<number> {
  let n = 0;
  for (const [ci, c] of classes.entries())
    for (let i = 0; i < perClass; i++) await writeImage(path.join(root, c, `${c}_${String(i).padStart(4, '0')}.png`), ci * 1000 + i + 1, 16 + ((i * 3) % 17));
  for (let i = 0; i < corrupt; i++) {
    // A real PNG header followed by garbage: passes a header sniff, fails a full decode.
    const good = fs.readFileSync(path.join(root, classes[0]!, `${classes[0]}_0000.png`));
    fs.writeFileSync(path.join(root, classes[0]!, `broken_${i}.png`), Buffer.concat([good.subarray(0, 40), Buffer.from('not really a png body')]));
    n++;
  }
  return classes.length * perClass + n;
}
