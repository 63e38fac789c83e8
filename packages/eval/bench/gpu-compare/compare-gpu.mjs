/**
 * The runtime comparison (eval `compareRuntimes`: agreement, |Δp|, CAM correlation, the batch and
 * concurrency sweep with p50…p99, the verdict) on a GPU machine, for ONNX Runtime's CPU (reference),
 * WebGPU and CUDA providers at fp32 and fp16 and TensorFlow.js WebGPU — bundled into one file by prepare.sh so that the GPU
 * machine needs only node and onnxruntime-node (from .gpu/). The bundle is ResNet50 at 256 px with
 * seeded random weights (core `initialBundle`, built here: a 94 MB file would not fit the carry) on
 * 32 seeded smooth z-scored images with balanced labels, so AUCs mean nothing; agreement and speed do.
 * TensorFlow.js runs on its WebGPU engine (Dawn, the `webgpu` package, packed for Linux x64).
 *
 *   source .gpu/setup.sh; node .gpu-compare/compare-gpu.mjs [--quick]     # on the GPU machine
 *   node .gpu-compare/compare-gpu.mjs --quick                            # here: a dry run (CPU rows only)
 *
 * Writes $OUT/gpu-compare/compare.json (render it here with `affnet report --compare FILE`) and
 * points.csv, and prints the verdict and the ResNet50 batch-32 throughput per runtime.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describeIsa, initialBundle } from '../../../core/dist/index.js';
import { compareRuntimes } from '../../dist/compare/compare.js';
import { runtimeCandidates } from '../../dist/compare/candidates.js';
import { chooseVerdict, DEFAULT_CONSTRAINTS, pointsCsv } from '../../dist/compare/stats.js';
import { createOnnxBackend } from '../../../backend-onnx/dist/runtime/onnx-backend.js';
import { createTfjsBackend } from '../../../backend-tfjs/dist/backend.js';

const quick = process.argv.includes('--quick');
const out = join(process.env.OUT ?? 'results', 'gpu-compare');
const SIZE = quick ? 64 : 256;
const N_IMAGES = quick ? 8 : 32;

/** Smooth seeded images (sums of Gaussian blobs), z-scored per image, NHWC. */
function images(n, size, seed) {
  let a = seed >>> 0;
  const r = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const px = size * size;
  const data = new Float32Array(n * px * 3);
  for (let b = 0; b < n; b++) {
    const img = new Float64Array(px);
    for (let k = 0; k < 5; k++) {
      const cx = r() * size,
        cy = r() * size,
        s = (0.05 + 0.3 * r()) * size,
        w = r() * 2 - 1;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) img[y * size + x] += w * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
    }
    const mean = img.reduce((p, q) => p + q, 0) / px;
    const sd = Math.sqrt(img.reduce((p, q) => p + (q - mean) ** 2, 0) / px) || 1;
    for (let i = 0; i < px; i++) for (let c = 0; c < 3; c++) data[(b * px + i) * 3 + c] = (img[i] - mean) / sd;
  }
  return { data, shape: [n, size, size, 3] };
}

const bundle = initialBundle({ architecture: 'resnet50', inputSize: SIZE, labels: ['AFF', 'NFF'], positiveLabel: 'AFF', pathway: 'automated', tool: 'gpu-compare', seed: 7 });
const backend = createOnnxBackend({ cacheDir: false });
const specs = [
  ...['cpu', 'webgpu', 'cuda'].flatMap((engine) => (engine === 'cpu' ? ['fp32'] : ['fp32', 'fp16']).map((precision) => ({ spec: { backend: 'onnx', engine, precision }, backend }))),
  { spec: { backend: 'tfjs', engine: 'webgpu', precision: 'fp32' }, backend: createTfjsBackend() },
];
const candidates = await runtimeCandidates(bundle, specs);
const t0 = performance.now();
const compared = await compareRuntimes(candidates, {
  images: images(N_IMAGES, SIZE, 11),
  truth: Array.from({ length: N_IMAGES }, (_v, i) => (i % 2 === 0 ? 1 : 0)),
  reference: 'onnx:cpu/fp32',
  batchSizes: quick ? [1, 4] : [1, 8, 32],
  concurrency: [1, 4],
  windowRuns: quick ? 3 : 10,
  maxWindows: quick ? 2 : 4,
  budgetMs: quick ? 20_000 : 90_000,
  camImages: 4,
  onProgress: ({ runtime, stage }) => process.stderr.write(`${runtime}: ${stage}\n`),
});
const verdict = chooseVerdict(
  compared.runtimes.flatMap((r) => r.points ?? []),
  new Map(compared.runtimes.map((r) => [r.id, r])),
  DEFAULT_CONSTRAINTS,
);
const results = {
  schema: 'affnet-runtime-comparison',
  version: 1,
  createdAt: new Date().toISOString(),
  tool: 'affnet gpu-compare',
  bundle: { path: '(generated: resnet50, seeded random weights)', architecture: 'resnet50', inputSize: SIZE, pathway: 'automated' },
  images: N_IMAGES,
  reference: compared.reference,
  memoryMethod: 'RSS of the process (GPU memory is not reported by ONNX Runtime)',
  machine: { cpu: cpus()[0]?.model ?? 'unknown', 'cpu ISA': describeIsa(), cores: cpus().length, node: process.version, seconds: Math.round((performance.now() - t0) / 1000) },
  verdict: {
    text: verdict.text,
    ...(verdict.choice ? { runtime: verdict.choice.runtime, batch: verdict.choice.batch, concurrency: verdict.choice.concurrency } : {}),
    constraints: verdict.constraints,
    excluded: verdict.excluded,
  },
  runtimes: compared.runtimes,
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'compare.json'), JSON.stringify(results, null, 2));
writeFileSync(join(out, 'points.csv'), pointsCsv(compared.runtimes.flatMap((r) => r.points ?? [])));
console.log(`verdict: ${verdict.text}`);
for (const r of compared.runtimes) {
  const b32 = (r.points ?? []).find((p) => p.batch === (quick ? 4 : 32) && p.concurrency === 1);
  console.log(
    `${r.id.padEnd(20)} ${r.available ? `agreement ${(100 * (r.labelAgreement ?? 0)).toFixed(1)}%  max|Δp| ${(r.maxAbsDeltaProbability ?? 0).toExponential(1)}  batch ${quick ? 4 : 32}: ${b32 ? `${b32.imagesPerSecond.toFixed(1)} images/s` : '—'}` : `absent: ${r.reason}`}`,
  );
}
console.log(`written: ${join(out, 'compare.json')}`);
