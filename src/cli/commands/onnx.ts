import path from 'node:path';
import type { Command } from 'commander';
import { loadOnnxCli } from '../lazy';

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)];

export function registerOnnx(program: Command): void {
  const onnx = program.command('onnx').description('inspect ONNX models and derive gradient graphs');
  onnx
    .command('info')
    .description('opset, inputs/outputs with shapes, op counts')
    .argument('<model>', '.onnx file (external data is not loaded)')
    .action((model: string) => {
      const { onnxInfo } = loadOnnxCli();
      process.stdout.write(onnxInfo(path.resolve(model)) + '\n');
    });
  onnx
    .command('vjp')
    .description('write the vector-Jacobian-product graph: inputs + grad_<output> cotangents → grad_<wrt>')
    .argument('<model>', '.onnx file')
    .requiredOption('--of <outputs>', 'output(s) to differentiate, comma-separated or repeated', list)
    .requiredOption('--wrt <names>', 'input(s) and/or initializer(s) to differentiate with respect to', list)
    .requiredOption('-o, --out <file>', 'where to write the gradient model')
    .option('--keep-outputs', 'also output the original outputs')
    .action((model: string, o: { of: string[]; wrt: string[]; out: string; keepOutputs?: boolean }) => {
      const { onnxVjp } = loadOnnxCli();
      const out = onnxVjp(path.resolve(model), { of: o.of, wrt: o.wrt, out: path.resolve(o.out), keepOutputs: !!o.keepOutputs });
      process.stdout.write(`wrote ${out} (inputs: original + ${o.of.map((n) => `grad_${n}`).join(', ')}; outputs: ${o.wrt.map((n) => `grad_${n}`).join(', ')})\n`);
    });
}
