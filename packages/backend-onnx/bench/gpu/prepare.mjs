#!/usr/bin/env node
/**
 * Local preparation step for gpu-bench.mjs (run by prepare.sh): exports ResNet50 (256×256, dynamic
 * batch, outputs `probabilities` and `logits`) with this package's exporter, as fp32 and as a
 * float16 graph, and stores each as a *skeleton*: the ModelProto with its weights moved to external
 * data, plus models/manifest.json describing every external tensor. The weight files themselves are
 * not carried (fp32 ResNet50 is ~94 MB); gpu-bench.mjs writes them on the GPU machine from a seeded
 * generator before it opens a session. Weights are random for speed measurement — as are
 * PyTorch's in torch_cuda_bench.py.
 *
 *   node packages/backend-onnx/bench/gpu/prepare.mjs    (after `pnpm --filter @affnet/backend-onnx build`)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNetwork, initWeights } from '@affnet/core';
import { convertToFp16, encodeModel, exportOnnx, toExternalData } from '../../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'models');
mkdirSync(out, { recursive: true });
const SIZE = 256;

const graph = buildNetwork('resnet50', { inputSize: SIZE });
// Shapes only matter here: the values are replaced on the GPU machine.
const weights = initWeights(graph, 1);
const base = exportOnnx(graph, weights, { outputs: { probabilities: 'probabilities', features: false, logits: 'logits' } });
const variants = { 'resnet50-fp32': base.model, 'resnet50-fp16': convertToFp16(base.model, 'graph') };

const manifest = { size: SIZE, architecture: 'resnet50', input: base.info.inputName, inputLayout: base.info.inputLayout, models: {} };
for (const [name, model] of Object.entries(variants)) {
  const dataFile = `${name}.weights`;
  const ext = toExternalData(model, dataFile, { minBytes: 0 });
  // fan-in per weight, for a He-uniform fill: Conv W [cout, cin, kh, kw], Gemm W [in, out]
  const tensors = ext.entries.map((e) => {
    const isKernel = /\/W(\/fp16)?$/.test(e.name) || e.dims.length >= 2;
    const fanIn = e.dims.length === 4 ? e.dims[1] * e.dims[2] * e.dims[3] : e.dims.length === 2 ? e.dims[0] : 0;
    return { ...e, fill: isKernel && fanIn > 0 ? { kind: 'he_uniform', fanIn } : { kind: 'zeros' } };
  });
  writeFileSync(join(out, `${name}.onnx`), encodeModel(ext.model));
  manifest.models[name] = { onnx: `${name}.onnx`, data: dataFile, dataBytes: ext.data.length, tensors };
  console.log(`${name}: ${tensors.length} external tensors, ${(ext.data.length / 1e6).toFixed(1)} MB generated on the device`);
}
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
