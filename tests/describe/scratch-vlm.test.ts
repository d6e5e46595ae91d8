import { join } from 'node:path';
import { it } from 'vitest';
import { AutoModelForImageTextToText, AutoProcessor, RawImage, type Tensor } from '@huggingface/transformers';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { offlineModelPath } from '../../src/main/pipeline/describe/transformers-offline';

it('scratch', async () => {
  const t = tmpDir('scratch-');
  const img = join(t.dir, 'i.png');
  await writeImage(img, 9, 32);
  for (const dtype of ['fp32', 'fp16', 'q4'] as const) {
    const dir = offlineModelPath(join(t.dir, dtype));
    writeTinyVlm(dir, { seed: 3, dtypes: [dtype] });
    const processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
    const model = await AutoModelForImageTextToText.from_pretrained(dir, { local_files_only: true, dtype, device: 'cpu' });
    const inputs = await processor(await RawImage.read(img), 'USER: <image>\nwhat is in this image? ASSISTANT:');
    const out = (await model(inputs)) as { logits: Tensor };
    const l = out.logits;
    console.log(dtype, l.type, l.dims, Array.from((l.to('float32').data as Float32Array).slice(-8)));
    const gen = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as Tensor;
    console.log(dtype, (gen.tolist() as bigint[][])[0]!.slice(-8).map(Number));
    await model.dispose();
  }
  t.cleanup();
});
