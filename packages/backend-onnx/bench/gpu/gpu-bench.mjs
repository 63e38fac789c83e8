#!/usr/bin/env node
/**
 * WebGPU execution provider of onnxruntime-node next to PyTorch CUDA, on one GPU machine, in one run.
 * Self-contained: imports only node built-ins and onnxruntime-node (unpacked from .gpu/ by
 * `source .gpu/setup.sh`); the models are the skeletons written by prepare.mjs, whose weights are
 * generated here (seeded He-uniform) before the first session.
 *
 *   source .gpu/setup.sh; node packages/backend-onnx/bench/gpu/gpu-bench.mjs
 *   node packages/backend-onnx/bench/gpu/gpu-bench.mjs --quick       # fewer runs (local smoke test)
 *
 * Each ONNX Runtime configuration runs in a child process with a time limit, so a provider that
 * aborts the process (seen: `preferredOutputLocation: 'gpu-buffer'` on an H100) is recorded as a
 * failure and the rest still runs. Measured: ResNet50 256×256, batch 1 (median ms) and batch 32
 * (images/s), fp32 and fp16 graph, preferredLayout NCHW and NHWC, GPU-resident outputs (guarded),
 * and the CPU provider at batch 1 as a correctness reference (max |Δlogit| vs WebGPU). PyTorch CUDA
 * (torch_cuda_bench.py) runs after, in the same job. Writes $OUT/gpu-bench.json (or
 * results/gpu-bench.json here) and prints a table with the ratios.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..', '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const RUNS1 = QUICK ? 3 : 30;
const RUNS32 = QUICK ? 2 : 15;
// The whole job must fit the lead's 8-minute slot: each child gets at most CHILD_TIMEOUT_S, and no
// child starts when less than the PyTorch reserve is left of BUDGET_S.
const CHILD_TIMEOUT_S = Number(process.env.GPU_BENCH_CHILD_TIMEOUT ?? 75);
const BUDGET_S = Number(process.env.GPU_BENCH_BUDGET ?? 390);
const TORCH_RESERVE_S = 120;
const started = performance.now();
const left = () => BUDGET_S - (performance.now() - started) / 1000;
const modelsDir = join(here, 'models');
// Local dry runs of every code path: GPU_BENCH_DRY_EP=cpu runs the WebGPU configurations on the CPU
// provider, GPU_BENCH_BIG_BATCH shrinks batch 32.
const DRY_EP = process.env.GPU_BENCH_DRY_EP;
const BIG = Number(process.env.GPU_BENCH_BIG_BATCH ?? 32);
const weightsDir = process.env.GPU_BENCH_WEIGHTS_DIR ?? join(os.tmpdir(), 'affnet-gpu-bench');

function loadOrt() {
  const require = createRequire(join(root, 'package.json'));
  const candidates = [join(root, 'node_modules/.pnpm/onnxruntime-node@1.30.0/node_modules/onnxruntime-node'), 'onnxruntime-node'];
  for (const c of candidates) {
    try {
      return require(c);
    } catch {
      // next
    }
  }
  throw new Error(`onnxruntime-node not found (looked in ${candidates.join(', ')}); run prepare.sh and source .gpu/setup.sh`);
}

// ---- weights: seeded He-uniform (kernels) / zeros (biases), float32 or float16 -------------------
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(v) {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const e = ((x >>> 23) & 0xff) - 112;
  const m = x & 0x7fffff;
  if (e >= 31) return sign | 0x7bff;
  if (e <= 0) return e < -10 ? sign : sign | ((m | 0x800000) >>> (14 - e));
  let h = sign | (e << 10) | (m >>> 13);
  if ((m & 0x1fff) > 0x1000 || ((m & 0x1fff) === 0x1000 && h & 1)) h++;
  return h;
}
function writeWeights(model) {
  mkdirSync(weightsDir, { recursive: true });
  const file = join(weightsDir, model.data);
  if (existsSync(file) && readFileSync(file).length === model.dataBytes) return;
  const fd = openSync(`${file}.tmp`, 'w');
  const r = rng(1);
  let at = 0;
  for (const t of model.tensors) {
    if (t.offset > at) writeSync(fd, new Uint8Array(t.offset - at), 0, t.offset - at, at);
    const n = t.dims.reduce((a, b) => a * b, 1);
    const lim = t.fill.kind === 'he_uniform' ? Math.sqrt(6 / t.fill.fanIn) : 0;
    const bytes = t.dataType === 10 ? new Uint16Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = lim === 0 ? 0 : (2 * r() - 1) * lim;
      bytes[i] = t.dataType === 10 ? toHalf(v) : v;
    }
    const view = new Uint8Array(bytes.buffer);
    writeSync(fd, view, 0, view.length, t.offset);
    at = t.offset + view.length;
  }
  closeSync(fd);
  spawnSync('mv', [`${file}.tmp`, file]);
}
function modelPath(model) {
  // the skeleton refers to its weights by a relative location: put both in one folder
  const target = join(weightsDir, model.onnx);
  writeFileSync(target, readFileSync(join(modelsDir, model.onnx)));
  return target;
}

// ---- one configuration, in a child process ------------------------------------------------------
async function child(config) {
  const ort = loadOrt();
  const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8'));
  const model = manifest.models[config.model];
  const path = modelPath(model);
  const ep = config.ep === 'webgpu' && DRY_EP !== 'cpu' ? { name: 'webgpu', ...(config.layout ? { preferredLayout: config.layout } : {}) } : { name: 'cpu' };
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(path, {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    ...(config.gpuOutputs && DRY_EP !== 'cpu' ? { preferredOutputLocation: 'gpu-buffer' } : {}),
  });
  const createMs = performance.now() - t0;
  const size = manifest.size;
  const input = (n) => {
    const r = rng(7);
    return new ort.Tensor(
      'float32',
      Float32Array.from({ length: n * size * size * 3 }, () => 2 * r() - 1),
      [n, size, size, 3],
    );
  };
  const result = { ...config, createMs, onnxruntime: ort.env.versions.node };
  const fetch = ['logits'];
  for (const batch of config.batches) {
    const x = input(batch);
    const runs = batch === 1 ? RUNS1 : RUNS32;
    for (let i = 0; i < 3; i++) {
      const o = await session.run({ [manifest.input]: x }, fetch);
      if (o.logits.location === 'gpu-buffer') await o.logits.getData(true);
    }
    const times = [];
    let last;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const o = await session.run({ [manifest.input]: x }, fetch);
      // include the download: a result is not usable before it is on the CPU
      last = o.logits.location === 'gpu-buffer' ? await o.logits.getData(true) : o.logits.data;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    result[batch === 1 ? 'b1' : 'b32'] = { batch, runs, medianMs: times[Math.floor(runs / 2)], imagesPerSecond: (batch * runs * 1000) / times.reduce((a, b) => a + b, 0) };
    if (batch === 1) result.logitsBatch1 = Array.from(last);
  }
  await session.release();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

function runChild(config) {
  const limit = Math.min(CHILD_TIMEOUT_S, left() - TORCH_RESERVE_S);
  if (limit < 15) return Promise.resolve({ ok: false, ...config, error: `skipped: time budget (${BUDGET_S} s) spent` });
  return new Promise((resolvePromise) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(config), ...(QUICK ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), limit * 1000);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line && code === 0) return resolvePromise({ ok: true, ...JSON.parse(line.slice(7)) });
      const thrown = stdout
        .split('\n')
        .find((l) => l.startsWith('ERROR '))
        ?.slice(6);
      const tail = stderr
        .trim()
        .split('\n')
        .filter((l) => l.trim() && !/^\s+at /.test(l))
        .slice(-3)
        .join(' | ')
        .slice(0, 600);
      resolvePromise({ ok: false, ...config, exit: code, signal, error: thrown ?? (tail || '(no output)') });
    });
  });
}

function torchCuda() {
  const py = process.env.PYTHON ?? 'python3';
  const timeout = Math.max(30, Math.min(TORCH_RESERVE_S + 30, left())) * 1000;
  const res = spawnSync(py, [join(here, 'torch_cuda_bench.py'), ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24, timeout, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const line = (res.stdout ?? '').trim().split('\n').at(-1);
  if (res.status !== 0 || !line?.startsWith('{')) return { skipped: `${py} torch_cuda_bench.py: ${(res.stderr || res.error?.message || '').trim().split('\n').slice(-2).join(' | ')}` };
  return JSON.parse(line);
}

const fmt = (v, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '—');

async function main() {
  const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8'));
  for (const m of Object.values(manifest.models)) writeWeights(m);
  const configs = [
    { name: 'cpu fp32 (reference)', ep: 'cpu', model: 'resnet50-fp32', batches: [1] },
    { name: 'cpu fp16 graph (reference)', ep: 'cpu', model: 'resnet50-fp16', batches: [1] },
    { name: 'webgpu fp32 NCHW', ep: 'webgpu', model: 'resnet50-fp32', layout: 'NCHW', batches: [1, BIG] },
    { name: 'webgpu fp32 NHWC', ep: 'webgpu', model: 'resnet50-fp32', layout: 'NHWC', batches: [1, BIG] },
    { name: 'webgpu fp16 NCHW', ep: 'webgpu', model: 'resnet50-fp16', layout: 'NCHW', batches: [1, BIG] },
    { name: 'webgpu fp16 NHWC', ep: 'webgpu', model: 'resnet50-fp16', layout: 'NHWC', batches: [1, BIG] },
    { name: 'webgpu fp16 NHWC, GPU-resident outputs', ep: 'webgpu', model: 'resnet50-fp16', layout: 'NHWC', gpuOutputs: true, batches: [1, BIG] },
  ];
  const report = { startedAt: new Date().toISOString(), host: os.hostname(), node: process.version, budgetS: BUDGET_S, onnx: [], torch: undefined };
  for (const c of configs) {
    const r = await runChild(c);
    report.onnx.push(r);
    console.log(
      r.ok
        ? `${c.name}: b1 ${fmt(r.b1?.medianMs, 2)} ms, b32 ${fmt(r.b32?.imagesPerSecond, 0)} img/s (session ${fmt(r.createMs, 0)} ms)`
        : `${c.name}: FAILED (exit ${r.exit}, signal ${r.signal}): ${r.error}`,
    );
  }
  const ref = report.onnx[0];
  for (const r of report.onnx.filter((x) => x.ep === 'webgpu')) {
    // against the CPU provider running the same file (fp16 weights round differently from fp32)
    const cpu = report.onnx.find((x) => x.ep === 'cpu' && x.model === r.model);
    if (r.ok && cpu?.ok) {
      r.maxAbsLogitDiffVsCpu = Math.max(...r.logitsBatch1.map((v, j) => Math.abs(v - cpu.logitsBatch1[j])));
      r.relLogitDiffVsCpu = r.maxAbsLogitDiffVsCpu / Math.max(...cpu.logitsBatch1.map(Math.abs));
    }
  }
  for (const c of report.onnx.filter((x) => x.ep === 'cpu' && x.ok)) console.log(`${c.name} logits (batch 1): ${c.logitsBatch1.map((v) => v.toFixed(4)).join(', ')}`);
  report.torch = torchCuda();
  const t = report.torch.results ?? {};
  console.log(`\nGPU: ${report.torch.device ?? 'unknown'}; PyTorch ${report.torch.torch ?? '—'}; onnxruntime-node ${ref.onnxruntime ?? '—'}`);
  console.log('\n| ONNX Runtime config | b1 ms | b32 img/s | PyTorch b1 ms | PyTorch b32 img/s | ratio b32 (ORT/PyTorch) | max abs logit diff vs CPU (relative) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of report.onnx) {
    // against PyTorch's faster memory format of the same precision (NCHW or channels_last)
    const torchKey = r.model?.endsWith('fp16') ? 'fp16' : 'fp32';
    const tb = [t[torchKey], t[`${torchKey}_channels_last`]].filter(Boolean).sort((a, b) => b.b32.imagesPerSecond - a.b32.imagesPerSecond)[0];
    const ratio = r.ok && r.b32 && tb ? r.b32.imagesPerSecond / tb.b32.imagesPerSecond : undefined;
    r.ratioB32VsTorch = ratio;
    console.log(
      `| ${r.name} | ${r.ok ? fmt(r.b1?.medianMs, 2) : 'failed'} | ${r.ok ? fmt(r.b32?.imagesPerSecond, 0) : '—'} | ${fmt(tb?.b1.medianMs, 2)} | ${fmt(tb?.b32.imagesPerSecond, 0)} | ${fmt(ratio, 3)} | ${fmt(r.maxAbsLogitDiffVsCpu, 5)} (${fmt(r.relLogitDiffVsCpu, 6)}) |`,
    );
  }
  if (report.torch.skipped) console.log(`PyTorch skipped: ${report.torch.skipped}`);
  else for (const [k, v] of Object.entries(t)) console.log(`PyTorch ${k}: b1 ${fmt(v.b1.medianMs, 2)} ms, b32 ${fmt(v.b32.imagesPerSecond, 0)} img/s`);
  const outDir = process.env.OUT ?? join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  report.wallS = (performance.now() - started) / 1000;
  writeFileSync(join(outDir, 'gpu-bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${join(outDir, 'gpu-bench.json')}`);
}

const i = args.indexOf('--child');
if (i >= 0) {
  try {
    await child(JSON.parse(args[i + 1]));
  } catch (e) {
    process.stdout.write(
      `ERROR ${String(e?.message ?? e)
        .split('\n')[0]
        .slice(0, 500)}\n`,
    );
    process.exit(1);
  }
} else await main();
