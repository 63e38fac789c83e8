#!/usr/bin/env node
/**
 * int8 agreement with fp32 on this CPU and on an AVX2-only CPU, in one run.
 *
 *   pnpm build
 *   node packages/backend-onnx/bench/int8-isa.mjs --bundle fa/bundle --fracatlas ../shared/data/fracatlas
 *   node packages/backend-onnx/bench/int8-isa.mjs --bundle B --fracatlas DIR --no-emulate   # this CPU only
 *
 * Why: ONNX Runtime's x86 u8·s8 kernels sum pairs of products in int16 on CPUs without VNNI, which
 * saturates with 8-bit weights (src/quantize/qdq.ts). The machines this project runs on change
 * between Intel Xeon (AVX-512 VNNI, AMX) and AMD EPYC (AVX2 only), so int8 must be right on both.
 *
 * What it does: reads 40 FracAtlas images (20 fractured, 20 not: every 8th / 16th of each class, as
 * the README's runtime comparison) and 16 others for calibration (the 4th of every 8 / 16), preprocesses
 * them with core as the bundle says, exports fp32 and int8 with 7-bit (the default) and 8-bit weights,
 * and runs the three models with ONNX Runtime CPU (a) natively and (b) under `qemu-x86_64 -cpu
 * EPYC-Rome` (Debian `qemu-user`; TCG emulates AVX2 + FMA without AVX-512 or VNNI, so ONNX Runtime's
 * CPU dispatch picks its AVX2 kernels, as on an AMD EPYC Rome/Milan). Per ISA and model: label
 * agreement with fp32, max and mean |Δp|, AUC of each. The goal (issue 12): ≥ 97.5 % agreement and
 * |ΔAUC| ≤ 0.01 on both. Under emulation only the int8 models run (≈ 8 s per VGG19 image at 224 px;
 * TCG's float path is ≈ 80× slower still, 11 min per fp32 image), against the native fp32
 * probabilities: fp32 results differ between ISAs by float rounding only (~1e-6), the int8 kernels
 * are what the ISA changes. About 12 minutes on 2 cores.
 *
 * Internal mode: `--infer DIR` runs the models in DIR on DIR/images.bin and writes DIR/probs-TAG.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuIsa, describeIsa, preprocess, readBundle, readRadiograph, rocAuc } from '@affnet/core';
import * as ort from 'onnxruntime-node';
import { exportBundle } from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flag = (name) => args.includes(`--${name}`);
const MODELS = ['fp32', 'int8-w7', 'int8-w8'];
/** Models run in this process (`--models`, internal): the emulated run skips fp32, whose reference is taken natively. */
const RUN_MODELS = (opt('models') ?? MODELS.join(',')).split(',');
/** Images run (`--limit`, for timing the emulation). */
const LIMIT = Number(opt('limit', Infinity));

async function infer(dir, tag) {
  const meta = JSON.parse(readFileSync(join(dir, 'images.json'), 'utf8'));
  const buf = readFileSync(join(dir, 'images.bin'));
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const [n, N] = [Math.min(meta.n, LIMIT), meta.size];
  const per = N * N * 3;
  const out = {};
  for (const m of RUN_MODELS) {
    const session = await ort.InferenceSession.create(join(dir, `${m}.onnx`), { intraOpNumThreads: Number(opt('threads', 2)) });
    const probs = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i += 8) {
      const k = Math.min(8, n - i);
      const input = new ort.Tensor('float32', data.slice(i * per, (i + k) * per), [k, N, N, 3]);
      const res = await session.run({ [session.inputNames[0]]: input });
      const p = res.probabilities.data;
      for (let j = 0; j < k; j++) probs.push(p[j * 2 + meta.positiveIndex]);
    }
    out[m] = { probs, msPerImage: (performance.now() - t0) / n };
    await session.release();
    process.stderr.write(`  ${tag} ${m}: ${out[m].msPerImage.toFixed(0)} ms/image\n`);
  }
  writeFileSync(join(dir, `probs-${tag}.json`), JSON.stringify(out));
}

if (opt('infer')) {
  await infer(opt('infer'), opt('tag', 'native'));
  process.exit(0);
}

const bundlePath = opt('bundle');
const fa = opt('fracatlas');
if (!bundlePath || !fa) {
  console.error('usage: int8-isa.mjs --bundle BUNDLE --fracatlas FRACATLAS_DIR [--no-emulate] [--cpu EPYC-Rome] [--threads 2]');
  process.exit(2);
}
const bundle = await readBundle(bundlePath);
const spec = bundle.manifest.preprocessing;
const positiveIndex = bundle.manifest.labels.indexOf(bundle.manifest.positiveLabel);

// The subset: FracAtlas labels.csv has no quoted fields, so a plain split is exact.
const [header, ...lines] = readFileSync(join(fa, 'labels.csv'), 'utf8').trim().split(/\r?\n/);
const cols = header.split(',');
const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
const cls = (f) => rows.filter((r) => r.fractured === f);
const every = (list, step, offset, count) => list.filter((_, i) => i % step === offset).slice(0, count);
const test = [...every(cls('1'), 8, 0, 20), ...every(cls('0'), 16, 0, 20)];
const calib = [...every(cls('1'), 8, 4, 8), ...every(cls('0'), 16, 8, 8)];

async function prepared(list) {
  const N = spec.inputSize;
  const data = new Float32Array(list.length * N * N * 3);
  const truth = [];
  let k = 0;
  for (const r of list) {
    let radiograph;
    try {
      radiograph = await readRadiograph(join(fa, r.image));
    } catch (e) {
      console.error(`  left out ${r.image}: ${e.message}`);
      continue;
    }
    data.set(preprocess(radiograph, spec).data, k * N * N * 3);
    truth.push(r.fractured === '1' ? 1 : 0);
    k++;
  }
  return { data: data.slice(0, k * N * N * 3), n: k, truth };
}

const t0 = performance.now();
const images = await prepared(test);
const cal = await prepared(calib);
const N = spec.inputSize;
const calibration = [];
for (let i = 0; i < cal.n; i += 8) {
  const k = Math.min(8, cal.n - i);
  calibration.push({ data: cal.data.slice(i * N * N * 3, (i + k) * N * N * 3), shape: [k, N, N, 3] });
}
const dir = mkdtempSync(join(tmpdir(), 'affnet-int8-isa-'));
writeFileSync(join(dir, 'images.bin'), Buffer.from(images.data.buffer));
writeFileSync(join(dir, 'images.json'), JSON.stringify({ n: images.n, size: N, positiveIndex }));
for (const [name, options] of [
  ['fp32', { precision: 'fp32' }],
  ['int8-w7', { precision: 'int8', quantization: { calibration, weightBits: 7 } }],
  ['int8-w8', { precision: 'int8', quantization: { calibration, weightBits: 8 } }],
]) {
  writeFileSync(join(dir, `${name}.onnx`), (await exportBundle(bundle, options)).bytes);
}
console.error(`prepared ${images.n} images + ${cal.n} calibration images, exported 3 models (${((performance.now() - t0) / 1000).toFixed(0)} s)`);

const self = fileURLToPath(import.meta.url);
const isa = cpuIsa();
const runs = [{ tag: 'native', label: `${isa.model} (${describeIsa(isa)})` }];
const node = spawnSync(process.execPath, [self, '--infer', dir, '--tag', 'native', '--threads', opt('threads', '2')], { stdio: 'inherit' });
if (node.status !== 0) throw new Error('native inference failed');
if (!flag('no-emulate')) {
  const cpu = opt('cpu', 'EPYC-Rome');
  if (spawnSync('qemu-x86_64', ['-version']).status === 0) {
    const t = performance.now();
    const r = spawnSync('qemu-x86_64', ['-cpu', cpu, process.execPath, self, '--infer', dir, '--tag', 'emulated', '--models', 'int8-w7,int8-w8', '--threads', opt('threads', '2')], {
      stdio: ['ignore', 'inherit', 'pipe'],
      encoding: 'utf8',
    });
    process.stderr.write(
      r.stderr
        .split('\n')
        .filter((l) => !l.includes("TCG doesn't support"))
        .join('\n'),
    );
    if (r.status !== 0) throw new Error('emulated inference failed');
    runs.push({ tag: 'emulated', label: `qemu-x86_64 -cpu ${cpu} (AVX2 + FMA, no AVX-512, no VNNI; int8 models, fp32 from the native run), ${((performance.now() - t) / 1000).toFixed(0)} s` });
  } else console.error('qemu-x86_64 not found (Debian qemu-user): AVX2-only run skipped');
}

const summary = { bundle: resolve(bundlePath), images: images.n, positives: images.truth.filter((t) => t === 1).length, runs: [] };
for (const run of runs) {
  const native = JSON.parse(readFileSync(join(dir, 'probs-native.json'), 'utf8'));
  const p = { fp32: native.fp32, ...JSON.parse(readFileSync(join(dir, `probs-${run.tag}.json`), 'utf8')) };
  const ref = p.fp32.probs;
  const rows = MODELS.map((m) => {
    const q = p[m].probs;
    const d = q.map((v, i) => Math.abs(v - ref[i]));
    const agree = q.filter((v, i) => v >= 0.5 === ref[i] >= 0.5).length / q.length;
    return { model: m, agreement: agree, maxAbsDelta: Math.max(...d), meanAbsDelta: d.reduce((a, b) => a + b, 0) / d.length, auc: rocAuc(images.truth, q), msPerImage: p[m].msPerImage };
  });
  summary.runs.push({ cpu: run.label, models: rows });
  console.log(`\n${run.label}`);
  console.log('model     agreement  max|Δp|   mean|Δp|  AUC     ΔAUC     ms/image');
  for (const r of rows) {
    console.log(
      `${r.model.padEnd(9)} ${(100 * r.agreement).toFixed(1).padStart(6)}%  ${r.maxAbsDelta.toExponential(2)}  ${r.meanAbsDelta.toExponential(2)}  ${r.auc.toFixed(4)}  ${(r.auc - rows[0].auc).toFixed(4).padStart(7)}  ${r.msPerImage.toFixed(0)}`,
    );
  }
}
if (opt('json')) writeFileSync(opt('json'), JSON.stringify(summary, null, 2));
if (flag('keep')) console.error(`models and probabilities kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
