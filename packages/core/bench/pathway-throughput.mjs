#!/usr/bin/env node
/**
 * Automated-pathway throughput: decode + pad + resize + normalise of 16-bit PNG radiographs,
 * @affnet/core (decodeRaster + preprocess) next to the same steps in Python/OpenCV
 * (bench/pathway_baseline.py), on the same files, in one run.
 *
 * Run from the repository root (after `pnpm --filter @affnet/core build`):
 *   node packages/core/bench/pathway-throughput.mjs [--count 10] [--width 2048] [--height 2500]
 *        [--size 256] [--rounds 3] [--concurrency 2] [--python /usr/bin/python3]
 * Needs Debian's python3-opencv for the baseline (`apt-get install -y python3-opencv`); the system
 * python is /usr/bin/python3 (a pyenv `python3` may lack cv2). Rounds of node and python alternate
 * so both see the same machine load. Prints images/s (median of rounds) and CPU ms per image of
 * both, the ratios, the largest difference between the two outputs for the first image (an
 * OpenCV INTER_AREA oracle), and the load average (compare figures from the same run only).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createRng, decodeRaster, preprocess } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '10' },
    width: { type: 'string', default: '2048' },
    height: { type: 'string', default: '2500' },
    size: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '2' },
    python: { type: 'string', default: process.env.AFFNET_PYTHON ?? '/usr/bin/python3' },
  },
});
const [count, W, H, N, rounds, concurrency] = ['count', 'width', 'height', 'size', 'rounds', 'concurrency'].map((k) => Number(args[k]));
const spec = { pathway: 'automated', inputSize: N, normalisation: 'zscore' };
const here = dirname(fileURLToPath(import.meta.url));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A radiograph-like 16-bit image: soft tissue, a bright shaft pair, collimator borders, noise. */
async function writeRadiograph(path, seed) {
  const rng = createRng(seed);
  const px = new Uint16Array(W * H);
  const cx = W * rng.uniform(0.4, 0.6);
  for (let y = 0; y < H; y++) {
    const tilt = (y - H / 2) * 0.05;
    for (let x = 0; x < W; x++) {
      const dx = (x - cx - tilt) / W;
      const dy = (y - H / 2) / H;
      let v = 6000 + 18000 * Math.exp(-(dx * dx + dy * dy) * 6);
      const shaft = Math.abs(Math.abs(dx) - 0.12);
      if (shaft < 0.035) v += 14000 * (1 - shaft / 0.035);
      if (x < 60 || x >= W - 60) v = 52000; // collimator shadow
      px[y * W + x] = Math.max(0, Math.min(65535, Math.round(v + (rng.next() - 0.5) * 600)));
    }
  }
  await sharp(px, { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('grey16')
    .png({ compressionLevel: 6 })
    .toFile(path);
}

const processOne = async (file) => preprocess(await decodeRaster(file), spec);

/** One round over all files with `conc` files in flight (decoding runs on libuv threads). */
async function nodeRound(files, conc) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < files.length) await processOne(files[next++]);
  };
  await Promise.all(Array.from({ length: conc }, worker));
  const c = process.cpuUsage(c0);
  return { rate: files.length / ((performance.now() - t0) / 1000), cpuMs: (c.user + c.system) / 1000 / files.length };
}

function pythonRound(files, dump) {
  const extra = dump ? ['--dump', dump] : [];
  const py = spawnSync(args.python, [join(here, 'pathway_baseline.py'), '--size', String(N), '--rounds', '1', ...extra, ...files], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`${args.python} pathway_baseline.py failed: ${(py.stderr || py.error?.message || '').trim().split('\n').pop()} (install python3-opencv)`);
  const r = JSON.parse(py.stdout.trim().split('\n').pop());
  return { rate: r.images_per_s, cpuMs: r.cpu_ms_per_image, opencv: r.opencv, threads: r.threads };
}

const dir = mkdtempSync(join(tmpdir(), 'affnet-bench-'));
try {
  console.log(`pathway-throughput: ${count} × ${W}×${H} 16-bit PNG → ${N}×${N}×3, ${rounds} rounds, ${cpus().length} CPUs, load ${load()}`);
  const files = [];
  for (let i = 0; i < count; i++) {
    files.push(join(dir, `rg-${i}.png`));
    await writeRadiograph(files[i], 1000 + i);
  }
  await processOne(files[0]); // warm-up (JIT, sharp init)
  const dump = join(dir, 'python-0.f32');
  const levels = [...new Set([1, concurrency])];
  const node = Object.fromEntries(levels.map((c) => [c, []]));
  const py = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of levels) node[c].push(await nodeRound(files, c));
    py.push(pythonRound(files, r === 0 ? dump : undefined));
  }
  const line = (label, rs) =>
    console.log(`  ${label}: ${median(rs.map((x) => x.rate)).toFixed(2)} images/s, ${median(rs.map((x) => x.cpuMs)).toFixed(0)} CPU ms/image (rounds ${rs.map((x) => x.rate.toFixed(2)).join(', ')})`);
  for (const c of levels) line(`node   @affnet/core, ${c} in flight`, node[c]);
  line(`python OpenCV ${py[0].opencv} (${py[0].threads} threads)`, py);
  const pyRate = median(py.map((x) => x.rate));
  for (const c of levels) console.log(`  ratio node (${c} in flight) / python: ${(median(node[c].map((x) => x.rate)) / pyRate).toFixed(2)}× images/s`);
  console.log(`  ratio python / node CPU per image: ${(median(py.map((x) => x.cpuMs)) / median(node[1].map((x) => x.cpuMs))).toFixed(2)}×`);
  const ours = (await processOne(files[0])).data;
  const theirs = new Float32Array(readFileSync(dump).buffer.slice(0));
  let maxDiff = 0;
  for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
  console.log(`  max |node − python| on image 0 (z-scores): ${maxDiff.toExponential(2)}`);
  console.log(`  load average after: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
