import type { ModelProto } from '../index';
import { batchNorm, conv, relu } from './layers';
import { createNet, Net } from './net';

export interface ClassifierOptions {
  seed?: number;
  /** torchvision exports name it `input`, Hugging Face exports `pixel_values`. */
  inputName?: string;
  imageSize?: number;
  /** Symbolic (string) or fixed batch dimension. */
  batch?: number | string;
  stemWidth?: number;
  /** Inner (bottleneck) width of each stage; stage outputs are `expansion` times wider. */
  stageWidths?: number[];
  blocksPerStage?: number[];
  block?: 'bottleneck' | 'basic';
  numClasses?: number;
  /** Keep BatchNormalization nodes (as an un-fused export has); false folds them into the Conv biases. */
  batchNorm?: boolean;
}

/** The shapes of torchvision's ResNet-50 (25.6M parameters, ~100 MB of weights): for benchmarks, not for tests. */
export const RESNET50_SHAPES: ClassifierOptions = {
  imageSize: 224,
  stemWidth: 64,
  stageWidths: [64, 128, 256, 512],
  blocksPerStage: [3, 4, 6, 3],
  block: 'bottleneck',
  numClasses: 1000,
};

const TINY_DEFAULTS: Required<ClassifierOptions> = {
  seed: 0,
  inputName: 'input',
  imageSize: 32,
  batch: 'batch_size',
  stemWidth: 8,
  stageWidths: [8, 16, 32, 64],
  blocksPerStage: [1, 1, 1, 1],
  block: 'bottleneck',
  numClasses: 10,
  batchNorm: false,
};

interface BlockSpec {
  name: string;
  cin: number;
  width: number;
  stride: number;
  /** Gain of the branch's last conv: 1/√(total blocks) keeps the residual stream's variance bounded (≈e) without normalisation. */
  branchGain: number;
}

function convNorm(net: Net, x: string, name: string, bn: boolean, cin: number, cout: number, kernel: number, stride: number, gain?: number): string {
  const y = conv(net, x, name, { cin, cout, kernel, stride, bias: !bn, gain });
  return bn ? batchNorm(net, y, name.replace(/conv(\d)$/, 'bn$1').replace(/downsample\.0$/, 'downsample.1'), cout) : y;
}

/** torchvision's Bottleneck (v1.5: the stride sits on the 3×3 conv) or BasicBlock. */
function residualBlock(net: Net, x: string, s: BlockSpec, o: Required<ClassifierOptions>): { out: string; channels: number } {
  const bn = o.batchNorm;
  const expansion = o.block === 'bottleneck' ? 4 : 1;
  const cout = s.width * expansion;
  let h: string;
  if (o.block === 'bottleneck') {
    h = relu(net, convNorm(net, x, `${s.name}.conv1`, bn, s.cin, s.width, 1, 1));
    h = relu(net, convNorm(net, h, `${s.name}.conv2`, bn, s.width, s.width, 3, s.stride));
    h = convNorm(net, h, `${s.name}.conv3`, bn, s.width, cout, 1, 1, Math.SQRT2 * s.branchGain);
  } else {
    h = relu(net, convNorm(net, x, `${s.name}.conv1`, bn, s.cin, s.width, 3, s.stride));
    h = convNorm(net, h, `${s.name}.conv2`, bn, s.width, cout, 3, 1, Math.SQRT2 * s.branchGain);
  }
  const shortcut = s.stride !== 1 || s.cin !== cout ? convNorm(net, x, `${s.name}.downsample.0`, bn, s.cin, cout, 1, s.stride, 1) : x;
  return { out: relu(net, net.b.op('Add', [h, shortcut])), channels: cout };
}

/** A ResNet classifier: `<inputName>` [N,3,S,S] → `logits` [N,numClasses], random Kaiming-scaled weights. */
export function buildTinyClassifier(opts: ClassifierOptions = {}): ModelProto {
  const o: Required<ClassifierOptions> = { ...TINY_DEFAULTS, ...opts };
  if (o.stageWidths.length !== o.blocksPerStage.length) throw new Error('stageWidths and blocksPerStage must have the same length');
  const net = createNet(o.seed, 'resnet');
  const b = net.b;
  const x = b.input(o.inputName, 'float32', [o.batch, 3, o.imageSize, o.imageSize]);
  let h = relu(net, convNorm(net, x, 'conv1', o.batchNorm, 3, o.stemWidth, 7, 2));
  h = b.op('MaxPool', [h], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let channels = o.stemWidth;
  const totalBlocks = o.blocksPerStage.reduce((a, n) => a + n, 0);
  o.stageWidths.forEach((width, stage) => {
    for (let i = 0; i < o.blocksPerStage[stage]!; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const spec = { name: `layer${stage + 1}.${i}`, cin: channels, width, stride, branchGain: 1 / Math.sqrt(totalBlocks) };
      ({ out: h, channels } = residualBlock(net, h, spec, o));
    }
  });
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [h])], { axis: 1 });
  const fcW = b.initializer('fc.weight', net.rng.normalArray(o.numClasses * channels, 1 / Math.sqrt(channels)), [o.numClasses, channels]);
  const fcB = b.initializer('fc.bias', net.rng.normalArray(o.numClasses, 0.01), [o.numClasses]);
  b.node('Gemm', [pooled, fcW, fcB], { transB: 1 }, { outputs: ['logits'] });
  b.output('logits', 'float32', [o.batch, o.numClasses]);
  return b.build();
}
