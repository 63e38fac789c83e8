#!/usr/bin/env node
// Image-formation and cohort-writing speed of @affnet/phantom at the default size (1500–2500 px tall).
// Run after a build:   pnpm --filter @affnet/phantom build && node packages/phantom/bench/speed.mjs [images]
// Prints: machine load (1-minute load average before and after, CPUs), a fixed reference workload
// (exp over 3.6 M floats, best of 5) so figures from a loaded machine can be compared, then
//   1. formation only (draw + project + expose, no files) in 1 thread and in 2 worker threads;
//   2. the full cohort writer (PNG + DICOM + truth + manifest) with 2 workers.
// Each line also gives CPU ms per image (process.cpuUsage: user + system of every thread of the process,
// so worker threads and sharp's zlib count): on a shared machine wall-clock rates mean little, CPU time
// per image is what the rate on idle cores follows (images/s on 2 idle cores ≈ 2000 / CPU ms per image).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRng } from '@affnet/core';
import { drawPatient, drawView, generateCohort, renderImage } from '../dist/index.js';

/** Renders images start, start + step, … below count; returns megapixels rendered. */
function renderRange(start, step, count) {
  let mp = 0;
  for (let i = start; i < count; i += step) {
    const rng = createRng(1000 + i);
    const p = drawPatient(rng, i, i % 5 < 2 ? 'AFF' : 'NFF', 0.5);
    const v = drawView(rng, p, i % 2);
    renderImage(p, v, createRng(i));
    mp += (v.width * v.height) / 1e6;
  }
  return mp;
}

if (!isMainThread) {
  parentPort.postMessage(renderRange(workerData.start, workerData.step, workerData.count));
} else {
  const count = Number(process.argv[2] ?? 12);
  const load0 = loadavg()[0];
  const reference = () => {
    const a = new Float32Array(3.6e6).fill(0.5);
    const t0 = performance.now();
    for (let i = 0; i < a.length; i++) a[i] = Math.exp(-a[i]);
    return performance.now() - t0;
  };
  const ref = Math.min(...Array.from({ length: 5 }, reference));
  console.log(`machine: ${availableParallelism()} CPUs, load average (1 min) ${load0.toFixed(2)}; reference workload ${ref.toFixed(1)} ms`);

  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  renderRange(0, 1, 2); // warm-up (JIT)
  let t0 = performance.now();
  let c0 = cpu();
  const mp1 = renderRange(0, 1, count / 2);
  const one = (performance.now() - t0) / 1000;
  console.log(
    `formation, 1 thread : ${(count / 2 / one).toFixed(2)} images/s (${((one / (count / 2)) * 1000).toFixed(0)} ms/image, ${((cpu() - c0) / (count / 2)).toFixed(0)} ms CPU/image, ${(mp1 / (count / 2)).toFixed(2)} MP avg)`,
  );

  t0 = performance.now();
  c0 = cpu();
  const parts = await Promise.all(
    [0, 1].map(
      (start) =>
        new Promise((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { workerData: { start, step: 2, count } });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  const two = (performance.now() - t0) / 1000;
  const mp2 = parts.reduce((a, b) => a + b, 0);
  console.log(`formation, 2 threads: ${(count / two).toFixed(2)} images/s (${((cpu() - c0) / count).toFixed(0)} ms CPU/image, ${(mp2 / count).toFixed(2)} MP avg, includes worker start-up)`);

  const out = mkdtempSync(join(tmpdir(), 'affnet-phantom-bench-'));
  try {
    c0 = cpu();
    const s = await generateCohort({ out, patients: Math.max(2, Math.round(count / 3)), seed: 11, workers: 2 });
    const perImage = (cpu() - c0) / s.images.written;
    console.log(
      `cohort writer, 2 workers: ${s.imagesPerSecond.toFixed(2)} images/s (${s.images.written} images with PNG + DICOM + truth in ${s.seconds.toFixed(1)} s, ${perImage.toFixed(0)} ms CPU/image incl. worker start-up)`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`load average (1 min) after: ${loadavg()[0].toFixed(2)}; ratio formation(1 thread) ms/image ÷ reference ms: ${(((one / (count / 2)) * 1000) / ref).toFixed(1)}`);
}
