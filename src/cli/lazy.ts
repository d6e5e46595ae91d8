import { createRequire } from 'node:module';

/**
 * The heavy modules, loaded on first use: the Studio pulls in every pipeline stage (onnxruntime, transformers.js,
 * sharp), which costs seconds, and `--help` or `synood metrics` need none of it. A require (not import()) because
 * the bin shim registers tsx for CommonJS only.
 */
const load = createRequire(__filename);

export const loadStudio = () => load('../main/root') as typeof import('../main/root');
export const loadModels = () => load('../main/models') as typeof import('../main/models');
export const loadBrowserMode = () => load('../main/browser-mode') as typeof import('../main/browser-mode');
export const loadOnnxCli = () => load('../main/onnx/cli') as typeof import('../main/onnx/cli');
export const loadMetricsCli = () => load('../main/ood/metrics-cli') as typeof import('../main/ood/metrics-cli');
export const loadShard = () => load('../main/shard') as typeof import('../main/shard');
/** Every route's schemas, for parsing answers: only commands that open a Studio need them. */
export const loadRouteOutput = () => load('../shared/api/route-output') as typeof import('../shared/api/route-output');
export const loadDemo = () => load('../main/demo/run-demo') as typeof import('../main/demo/run-demo');
export const loadWorld = () => load('../main/world/cli-api') as typeof import('../main/world/cli-api');
