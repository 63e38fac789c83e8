#!/usr/bin/env node
/**
 * ONNX Runtime (CPU) speed of the exported networks next to PyTorch on CPU, in one run.
 *
 *   cd packages/backend-onnx && pnpm --filter @affnet/backend-onnx build   # builds dist/
 *   node bench/bench.mjs                       # 256×256, all nets, fp32/fp16/int8, PyTorch, ResNet50 variants
 *   node bench/bench.mjs --archs resnet50 --precisions fp32,int8 --no-variants --threads 2
 *   node bench/bench.mjs --quick               # fewer runs (a smoke test of the script)
 *
 * PyTorch: Debian `python3-torch` + `python3-torchvision`, run with /usr/bin/python3 (override with
 * --python); same architectures from torchvision with random weights, eval mode, inference_mode,
 * the same thread count. Reported: ms/image at batch 1 (median), images/s at batch 16, and the
 * ratio ORT / PyTorch (latency; < 1 is faster). The machine load (os.loadavg) is printed before and
 * after: on a shared machine rerun when it is above the core count.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNetwork, initWeights } from '@affnet/core';
import { createOnnxBackend } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const SIZE = Number(opt('size', 256));
const THREADS = Number(opt('threads', os.cpus().length));
const ARCHS = opt('archs', 'resnet50,vgg19,inception_v3').split(',');
const PRECISIONS = opt('precisions', 'fp32,fp16,int8').split(',');
const QUICK = flag('quick');
const RUNS1 = Number(opt('runs1', QUICK ? 2 : 10));
const RUNS16 = Number(opt('runs16', QUICK ? 1 : 3));
const PYTHON = opt('python', '/usr/bin/python3');

/** Smooth random z-scored images (sums of Gaussian blobs), NHWC, seeded. */
function images(n, size, seed) {
  let a = seed >>> 0;
  const r = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const px = size * size;
  const out = new Float32Array(n * px * 3);
  for (let b = 0; b < n; b++) {
    const img = new Float64Array(px);
    for (let k = 0; k < 4; k++) {
      const cx = r() * size,
        cy = r() * size,
        s = (0.1 + 0.3 * r()) * size,
        amp = r() * 2 - 1;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) img[y * size + x] += amp * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
    }
    let mean = 0;
    for (let i = 0; i < px; i++) mean += img[i] / px;
    let sd = 0;
    for (let i = 0; i < px; i++) sd += (img[i] - mean) ** 2 / px;
    sd = Math.sqrt(sd) || 1;
    for (let i = 0; i < px; i++) for (let c = 0; c < 3; c++) out[(b * px + i) * 3 + c] = (img[i] - mean) / sd;
  }
  return out;
}

function bundleOf(arch) {
  const graph = buildNetwork(arch, { inputSize: SIZE });
  return {
    manifest: {
      format: 'affnet-bundle',
      formatVersion: 1,
      architecture: arch,
      inputSize: SIZE,
      labels: ['AFF', 'NFF'],
      positiveLabel: 'AFF',
      preprocessing: { pathway: 'automated', inputSize: SIZE, normalisation: 'zscore' },
      provenance: { createdAt: new Date().toISOString(), tool: 'bench', initialisation: 'random', seed: 1 },
    },
    weights: initWeights(graph, 1, { kernelInitializer: 'he_normal' }),
  };
}

async function time(model, batch, runs, warmup) {
  const x = { data: images(batch, SIZE, 7).slice(), shape: [batch, SIZE, SIZE, 3] };
  for (let i = 0; i < warmup; i++) await model.forward(x);
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await model.forward(x);
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return t;
}
const median = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];

async function measure(bundle, loadOptions, { batch16 = true } = {}) {
  const t0 = Date.now();
  const model = await createOnnxBackend({ cacheDir: false }).load(bundle, { engines: ['cpu'], threads: THREADS, ...loadOptions });
  const loadMs = Date.now() - t0;
  const t1 = await time(model, 1, RUNS1, 2);
  const t16 = batch16 ? await time(model, 16, RUNS16, 1) : undefined;
  await model.dispose();
  return {
    loadMs,
    msPerImageBatch1: median(t1),
    ...(t16 ? { imagesPerSecondBatch16: (16 * t16.length * 1000) / t16.reduce((a, b) => a + b, 0) } : {}),
  };
}

/** PyTorch for one network, right after ONNX Runtime ran it (so both see about the same machine load). */
function torchBaseline(arch) {
  const script = join(here, 'torch_bench.py');
  const res = spawnSync(PYTHON, [script, '--size', String(SIZE), '--threads', String(THREADS), '--archs', arch, '--runs1', String(RUNS1), '--runs16', String(RUNS16)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (res.status !== 0) return { skipped: `${PYTHON} ${script} failed: ${(res.stderr || res.error?.message || '').trim().split('\n').slice(-3).join(' | ')}` };
  return JSON.parse(res.stdout.trim().split('\n').at(-1));
}

const fmt = (v, d = 1) => (v === undefined ? '—' : v.toFixed(d));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main() {
  const report = { size: SIZE, threads: THREADS, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadBefore: load(), onnx: {}, variants: {} };
  console.log(`affnet ONNX Runtime benchmark: ${SIZE}×${SIZE}, ${THREADS} threads, ${report.cpus} CPUs (${report.cpu}); load ${report.loadBefore}`);
  const calibration = [{ data: images(8, SIZE, 3), shape: [8, SIZE, SIZE, 3] }];
  const torch = { results: {} };
  for (const arch of ARCHS) {
    const bundle = bundleOf(arch);
    for (const precision of PRECISIONS) {
      const r = await measure(bundle, { precision, ...(precision === 'int8' ? { quantization: { calibration } } : {}) });
      report.onnx[`${arch}/${precision}`] = r;
      console.log(`ort ${arch} ${precision}: ${fmt(r.msPerImageBatch1)} ms/image (batch 1), ${fmt(r.imagesPerSecondBatch16, 2)} images/s (batch 16), load ${r.loadMs} ms`);
    }
    if (arch === 'resnet50' && !flag('no-variants')) {
      const variants = {
        'fp32, BN not folded': { export: { foldBatchNorm: false } },
        'fp32, graph optimisation basic': { session: { graphOptimizationLevel: 'basic' } },
        'fp32, graph optimisation extended': { session: { graphOptimizationLevel: 'extended' } },
        'fp32, NCHW input (no transpose in the graph)': { export: { inputLayout: 'nchw' } },
        'fp32, intra-op threads 1': { threads: 1 },
        'fp32, no thread spinning': { session: { allowSpinning: false } },
        'fp16, float16 graph (fp16Mode graph)': { precision: 'fp16', fp16Mode: 'graph' },
        'int8, QDQ not fused (graph optimisation basic)': { precision: 'int8', quantization: { calibration }, session: { graphOptimizationLevel: 'basic' } },
        'int8, min-max calibration': { precision: 'int8', quantization: { calibration, method: 'minmax' } },
      };
      for (const [name, o] of Object.entries(variants)) {
        const r = await measure(bundle, o, { batch16: false });
        report.variants[name] = r;
        console.log(`ort resnet50 variant "${name}": ${fmt(r.msPerImageBatch1)} ms/image (batch 1)`);
      }
    }
    if (flag('no-torch')) torch.skipped = '--no-torch';
    else if (!torch.skipped) {
      const t = torchBaseline(arch);
      if (t.skipped) torch.skipped = t.skipped;
      else {
        Object.assign(torch, { torch: t.torch, torchvision: t.torchvision, threads: t.threads });
        torch.results[arch] = t.results[arch];
        console.log(`torch ${arch} fp32: ${fmt(t.results[arch].msPerImageBatch1)} ms/image (batch 1), ${fmt(t.results[arch].imagesPerSecondBatch16, 2)} images/s (batch 16); load ${load()}`);
      }
    }
  }
  report.torch = torch;
  report.loadAfter = load();

  console.log(`\nload before ${report.loadBefore}, after ${report.loadAfter} (1/5/15-min averages; > ${report.cpus} means the CPUs were shared)`);
  if (torch.skipped) console.log(`PyTorch baseline skipped: ${torch.skipped}`);
  else console.log(`PyTorch ${torch.torch}, torchvision ${torch.torchvision}, ${torch.threads} threads`);
  console.log('\n| net | precision | ORT ms/img b1 | PyTorch ms/img b1 | ratio (ORT/PyTorch latency) | ORT img/s b16 | PyTorch img/s b16 | ratio (ORT/PyTorch throughput) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [key, r] of Object.entries(report.onnx)) {
    const [arch, precision] = key.split('/');
    const t = torch.results?.[arch];
    const ratio = t ? r.msPerImageBatch1 / t.msPerImageBatch1 : undefined;
    const tput = t && r.imagesPerSecondBatch16 ? r.imagesPerSecondBatch16 / t.imagesPerSecondBatch16 : undefined;
    r.latencyRatioVsTorchFp32 = ratio;
    console.log(
      `| ${arch} | ${precision} | ${fmt(r.msPerImageBatch1)} | ${fmt(t?.msPerImageBatch1)} | ${fmt(ratio, 3)} | ${fmt(r.imagesPerSecondBatch16, 2)} | ${fmt(t?.imagesPerSecondBatch16, 2)} | ${fmt(tput, 3)} |`,
    );
  }
  const t50 = torch.results?.resnet50;
  if (t50) {
    const goal = (p, g) => {
      const r = report.onnx[`resnet50/${p}`];
      return r ? `${p}: ${(r.msPerImageBatch1 / t50.msPerImageBatch1).toFixed(3)}× (goal ≤ ${g}×) ${r.msPerImageBatch1 / t50.msPerImageBatch1 <= g ? 'met' : 'NOT met'}` : `${p}: not run`;
    };
    console.log(`\nResNet50 latency vs PyTorch fp32: ${goal('fp32', 0.6)}; ${goal('int8', 0.3)}`);
  }
  if (Object.keys(report.variants).length > 0) {
    console.log('\n| ResNet50 variant | ms/img b1 |');
    console.log('|---|---|');
    for (const [name, r] of Object.entries(report.variants)) console.log(`| ${name} | ${fmt(r.msPerImageBatch1)} |`);
  }
  const out = opt('out');
  if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
}

await main();
