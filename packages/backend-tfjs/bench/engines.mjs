/**
 * Benchmark of the TensorFlow.js engines, all figures and ratios from one run:
 *  - inference ms/image at batch 1 and 16 for VGG19, InceptionV3 and ResNet50 on WASM (full 256 px
 *    input) and, at a reduced input, on CPU and WASM side by side (tfjs-cpu needs ~18 s per ResNet50
 *    image at 256 px, so its inputs are reduced and labelled as such);
 *  - training images/s (one optimisation step of batch 5, the study's batch size) on WASM with the
 *    affnet kernels, on WASM with the native Conv2DBackpropInput, and on CPU (ResNet50 only, reduced).
 *
 * Run from the repository root:
 *   pnpm --filter @affnet/backend-tfjs build && node packages/backend-tfjs/bench/engines.mjs [options]
 * Options: --size 256  --cpu-size 64  --train-size 64  --cpu-train-size 32  --reps 2
 *          --nets vgg19,inception_v3,resnet50  --skip-cpu  --json results.json
 *          --gpu-engine webgpu (or tfjs-node-gpu)  --gpu-train-size 256: on a GPU machine, also inference
 *          at --size and ResNet50 training at --gpu-train-size on that engine, with ratios to WASM.
 * InceptionV3 never runs below 75 px (its minimum). Weights are seeded random (speed does not depend
 * on their values). The load average is printed before and after: on a shared machine figures vary.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { buildNetwork, createBundleManifest, initWeights } from '@affnet/core';
import { buildTfModel, loadTfjsModel, registerWasmTrainingKernels, selectEngine } from '../dist/index.js';
import { splitForMode } from '../dist/train/trainer.js';
import { trainableVariables } from '../dist/train/forward.js';
import { trainStep } from '../dist/train/runner.js';
import { makeOptimizer } from '../dist/train/optimizer.js';
import { presetFor } from '../dist/train/config.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);
const SIZE = Number(opt('size', 256));
const CPU_SIZE = Number(opt('cpu-size', 64));
const TRAIN_SIZE = Number(opt('train-size', 64));
const CPU_TRAIN_SIZE = Number(opt('cpu-train-size', 32));
const REPS = Number(opt('reps', 2));
const NETS = opt('nets', 'vgg19,inception_v3,resnet50').split(',');
const SKIP_CPU = flag('skip-cpu');
const GPU_ENGINE = opt('gpu-engine');
const GPU_TRAIN_SIZE = Number(opt('gpu-train-size', 256));
const sizeFor = (arch, size) => (arch === 'inception_v3' ? Math.max(75, size) : size);

const results = { started: new Date().toISOString(), loadBefore: loadavg(), cpus: cpus().length, cpuModel: cpus()[0]?.model, inference: [], training: [] };
const log = (...a) => console.log(...a);
log(`affnet tfjs engine benchmark — ${results.cpus} cores (${results.cpuModel}), load average ${results.loadBefore.map((l) => l.toFixed(2)).join(' ')}`);

function batchOf(n, size) {
  const data = new Float32Array(n * size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
  return { data, shape: [n, size, size, 3] };
}

function bundleOf(arch, size) {
  return { manifest: createBundleManifest({ architecture: arch, inputSize: size, tool: 'bench' }), weights: initWeights(buildNetwork(arch, { inputSize: size }), 1) };
}

/** Median ms per image of `reps` timed forward passes (after one untimed warm-up when warm). */
async function inference(arch, engine, size, batch, reps, warm) {
  const model = await loadTfjsModel(bundleOf(arch, size), { engines: [engine], maxBatch: 16 });
  const input = batchOf(batch, size);
  if (warm) await model.forward(input);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await model.forward(input);
    times.push((performance.now() - t) / batch);
  }
  await model.dispose();
  times.sort((a, b) => a - b);
  const row = { arch, engine, size, batch, reps, warm, msPerImage: times[Math.floor(times.length / 2)] };
  results.inference.push(row);
  log(
    `  inference ${arch.padEnd(12)} ${engine.padEnd(4)} ${String(size).padStart(3)} px  batch ${String(batch).padStart(2)}: ${row.msPerImage.toFixed(0).padStart(7)} ms/image  (${reps} rep${reps > 1 ? 's' : ''}${warm ? ', after warm-up' : ', cold'})`,
  );
  return row.msPerImage;
}

/** Images/s of full fine-tuning steps (batch 5, the preset optimizer) through the trainer's step. */
async function training(arch, engine, size, steps, variant = 'affnet') {
  await selectEngine({ engines: [engine] });
  if (engine === 'wasm') registerWasmTrainingKernels({ replaceBackpropInput: variant === 'affnet' });
  const graph = buildNetwork(arch, { inputSize: size });
  const net = buildTfModel(graph, { seed: 1 });
  const split = splitForMode(graph, { mode: 'full', topBlocks: 0 });
  const variables = trainableVariables(net, split.trained).map((v) => v.variable);
  const optimizer = makeOptimizer(presetFor(arch).optimizer, 1e-5);
  const batch = batchOf(5, size);
  const x = tf.tensor4d(batch.data, batch.shape);
  const ctx = { net, split, variables, optimizer, classWeights: [1, 1] };
  const known = new Map([[graph.nodes[0].name, x]]);
  const labels = [0, 1, 0, 1, 0];
  const warm = steps > 1;
  if (warm) trainStep(ctx, known, labels);
  const timed = warm ? steps - 1 : steps;
  const t = performance.now();
  for (let s = 0; s < timed; s++) trainStep(ctx, known, labels);
  const seconds = (performance.now() - t) / 1000;
  x.dispose();
  optimizer.dispose();
  net.model.dispose();
  registerWasmTrainingKernels();
  const row = { arch, engine, variant: engine === 'wasm' ? variant : undefined, size, batch: 5, steps: timed, warm, imagesPerSecond: (5 * timed) / seconds };
  results.training.push(row);
  log(
    `  training  ${arch.padEnd(12)} ${(engine === 'wasm' ? `wasm/${variant}` : engine).padEnd(12)} ${String(size).padStart(3)} px  batch 5: ${row.imagesPerSecond.toFixed(3).padStart(8)} images/s  (${timed} step${timed > 1 ? 's' : ''}${warm ? ' after warm-up' : ', cold'})`,
  );
  return row.imagesPerSecond;
}

const ratios = [];
log(`\nInference on WASM at ${SIZE} px:`);
for (const arch of NETS) {
  const s = sizeFor(arch, SIZE);
  await inference(arch, 'wasm', s, 1, REPS, true);
  await inference(arch, 'wasm', s, 16, 1, true);
}
if (!SKIP_CPU) {
  log(`\nInference, CPU against WASM at a reduced input (${CPU_SIZE} px; InceptionV3 ${sizeFor('inception_v3', CPU_SIZE)} px) — REDUCED INPUT:`);
  for (const arch of NETS) {
    const s = sizeFor(arch, CPU_SIZE);
    for (const batch of [1, 16]) {
      const w = await inference(arch, 'wasm', s, batch, REPS, true);
      const c = await inference(arch, 'cpu', s, batch, 1, false);
      ratios.push({ what: `inference ${arch} ${s} px batch ${batch}: cpu ms / wasm ms`, value: c / w });
    }
  }
}
log(`\nTraining (full fine-tuning, batch 5) on WASM at ${TRAIN_SIZE} px (InceptionV3 ${sizeFor('inception_v3', TRAIN_SIZE)} px) — REDUCED INPUT:`);
for (const arch of NETS) {
  const s = sizeFor(arch, TRAIN_SIZE);
  const ours = await training(arch, 'wasm', s, 1 + REPS, 'affnet');
  const native = await training(arch, 'wasm', s, 1 + REPS, 'native-dx');
  ratios.push({ what: `training ${arch} ${s} px: wasm affnet dx / wasm native dx (images/s)`, value: ours / native });
}
if (!SKIP_CPU && NETS.includes('resnet50')) {
  log(`\nTraining ResNet50, CPU against WASM at ${CPU_TRAIN_SIZE} px — REDUCED INPUT (one CPU step takes minutes):`);
  const w = await training('resnet50', 'wasm', CPU_TRAIN_SIZE, 1 + REPS, 'affnet');
  const c = await training('resnet50', 'cpu', CPU_TRAIN_SIZE, 1);
  ratios.push({ what: `training resnet50 ${CPU_TRAIN_SIZE} px: wasm / cpu (images/s)`, value: w / c });
}
if (GPU_ENGINE) {
  log(`\nOn ${GPU_ENGINE}: inference at ${SIZE} px, ResNet50 training at ${GPU_TRAIN_SIZE} px:`);
  const wasmAt = (arch, batch) => results.inference.find((r) => r.arch === arch && r.engine === 'wasm' && r.size === sizeFor(arch, SIZE) && r.batch === batch)?.msPerImage;
  for (const arch of NETS) {
    for (const batch of [1, 16]) {
      const g = await inference(arch, GPU_ENGINE, sizeFor(arch, SIZE), batch, REPS, true);
      const w = wasmAt(arch, batch);
      if (w) ratios.push({ what: `inference ${arch} ${sizeFor(arch, SIZE)} px batch ${batch}: wasm ms / ${GPU_ENGINE} ms`, value: w / g });
    }
  }
  const g = await training('resnet50', GPU_ENGINE, GPU_TRAIN_SIZE, 1 + REPS);
  log(`  (PyTorch on the same machine: run its ResNet50 batch-5 step timing next to this figure)`);
  results.gpuTrainingImagesPerSecond = g;
}
results.ratios = ratios;
results.loadAfter = loadavg();
log('\nRatios (same run):');
for (const r of ratios) log(`  ${r.what}: ${r.value.toFixed(2)}×`);
log(`\nload average after: ${results.loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
const json = opt('json');
if (json) writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
