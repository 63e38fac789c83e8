#!/usr/bin/env node
/**
 * Screening throughput on this machine, in one run: `affnet predict` on a folder (batch 8) against
 * the same folder screened through Redis by one and by two `affnet worker`s (concurrency 8, so
 * forward passes of up to 8), ONNX Runtime CPU, a VGG19 bundle at the demo's input size (128 px),
 * 256-px PNG radiograph-like images. Rates are images/s between the first and the last result (model
 * loading excluded on both sides); the queue's overhead per image is 1 − worker rate / predict rate
 * (goal ≤ 5 % at batch 8). Needs redis-server (Debian) and the built CLI.
 *
 *   pnpm build && node packages/serve/bench/screen.mjs [--images 240] [--out result.json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildNetwork, createBundleManifest, encodePng, initWeights, writeBundle } from '@affnet/core';
import { ResultStore } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '../../cli/dist/bin.js');
const { values: o } = parseArgs({
  options: { images: { type: 'string', default: '240' }, out: { type: 'string' }, architecture: { type: 'string', default: 'vgg19' }, size: { type: 'string', default: '128' } },
});
const N = Number(o.images);
const tmp = mkdtempSync(join(os.tmpdir(), 'affnet-screen-bench-'));
const env = { ...process.env, AFFNET_NO_PROGRESS: '1' };
const log = (s) => process.stderr.write(`${s}\n`);
const rate = (times) => {
  const t = [...times].sort((a, b) => a - b);
  return t.length > 1 ? (t.length - 1) / ((t[t.length - 1] - t[0]) / 1000) : Number.NaN;
};

async function main() {
  const bundle = join(tmp, 'bundle');
  const arch = o.architecture;
  const size = Number(o.size);
  await writeBundle(bundle, {
    manifest: createBundleManifest({ architecture: arch, inputSize: size, tool: 'screen bench', seed: 1, initialisation: 'random' }),
    weights: initWeights(buildNetwork(arch, { inputSize: size }), 1),
  });
  const img = join(tmp, 'images');
  mkdirSync(img);
  for (let k = 0; k < N; k++) {
    const W = 256;
    const data = new Float32Array(W * W);
    for (let y = 0; y < W; y++)
      for (let x = 0; x < W; x++) data[y * W + x] = 8000 + 30000 * Math.exp(-(((x - 128 - 10 * Math.sin(y / 40 + k)) / 22) ** 2)) + 3000 * Math.sin((x * (3 + (k % 13))) / 17) * Math.cos(y / 11);
    writeFileSync(join(img, `img-${String(k).padStart(5, '0')}.png`), await encodePng({ width: W, height: W, data }, { bitDepth: 16, range: [0, 65535] }));
  }
  // 1. affnet predict, batch 8: the time each JSON line arrives
  log(`predict: ${N} images, ${arch} at ${size} px, batch 8`);
  const times = [];
  await new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'predict', img, '--bundle', bundle, '--runtime', 'onnx:cpu', '--batch-size', '8'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    p.stdout.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) if (l.startsWith('{')) times.push(performance.now());
    });
    p.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`predict exited ${c}`))));
  });
  const predictRate = rate(times);
  log(`  ${predictRate.toFixed(2)} images/s`);

  // 2. the same images through Redis, with 1 and 2 workers
  const port = 20000 + Math.floor(Math.random() * 20000);
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  const runs = [];
  try {
    for (const workers of [1, 2]) {
      const run = `bench${workers}`;
      const results = join(tmp, `results-${workers}`);
      const procs = Array.from({ length: workers }, () =>
        spawn(
          process.execPath,
          [BIN, 'worker', '--redis', url, '--run', run, '--runtime', 'onnx:cpu', '--batch-size', '8', '--wait-ms', '60000', ...(process.env.WORKER_ARGS ? process.env.WORKER_ARGS.split(' ') : [])],
          { env, stdio: 'ignore' },
        ),
      );
      const t0 = performance.now();
      const s = spawnSync(process.execPath, [BIN, 'screen', img, '--redis', url, '--bundle', bundle, '--results', results, '--run', run, '--cam-above', '1.01'], { env, encoding: 'utf8' });
      const wall = (performance.now() - t0) / 1000;
      if (s.status !== 0) throw new Error(`screen exited ${s.status}: ${s.stderr}`);
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => new Promise((r) => p.once('exit', r))));
      const records = [...new ResultStore(results).records()];
      const r = rate(records.map((x) => Date.parse(x.finishedAt)));
      const forwardMs = records.map((x) => x.timings?.forwardMs ?? 0).sort((a, b) => a - b)[Math.floor(records.length / 2)];
      runs.push({
        workers,
        records: records.length,
        distinct: new Set(records.map((x) => x.id)).size,
        imagesPerS: Math.round(r * 100) / 100,
        wallSeconds: Math.round(wall * 10) / 10,
        medianForwardMs: forwardMs,
      });
      log(`  ${workers} worker(s): ${r.toFixed(2)} images/s, ${records.length} records (${wall.toFixed(1)} s wall, with hashing and model loading)`);
    }
  } finally {
    redis.kill('SIGTERM');
  }
  const one = runs[0];
  const overhead = 1 - one.imagesPerS / predictRate;
  const result = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    date: new Date().toISOString(),
    images: N,
    model: `${arch} at ${size} px, random weights`,
    predictImagesPerS: Math.round(predictRate * 100) / 100,
    workers: runs,
    queueOverhead: Math.round(overhead * 1000) / 1000,
    goal: { name: 'per-image queue overhead at batch 8 (1 worker vs affnet predict)', limit: 0.05, met: overhead <= 0.05 },
    twoWorkersOverOne: Math.round((runs[1].imagesPerS / one.imagesPerS) * 100) / 100,
  };
  log(`  queue overhead ${(overhead * 100).toFixed(1)} % (goal ≤ 5 %): ${result.goal.met ? 'met' : 'NOT MET'}; 2 workers / 1 worker ${result.twoWorkersOverOne}×`);
  const json = JSON.stringify(result, null, 2);
  if (o.out) writeFileSync(o.out, `${json}\n`);
  process.stdout.write(`${json}\n`);
}

try {
  await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
