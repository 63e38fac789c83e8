// CPU ms per image per stage, single thread (workers 0), process.cpuUsage (includes libuv/sharp threads)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, encodePng, writeDicom } from '@affnet/core';
import { planCohort, generateCohort, renderImage } from '../dist/index.js';
import { resolveCohortOptions } from '../dist/cohort/options.js';
import { dicomMetadata } from '../dist/cohort/write-image.js';
const N = Number(process.argv[2] ?? 8);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const o = resolveCohortOptions({ out: '/tmp/x', patients: Math.ceil(N / 3) + 1, seed: 11, workers: 0 }, 2);
const jobs = planCohort(o).slice(0, N);
// warm-up
{ const j = jobs[0]; const r = renderImage(j.patient, j.view, createRng(j.noiseSeed)); }
let tf = 0, tp = 0, td = 0, mp = 0;
for (const j of jobs) {
  let c = cpu();
  const r = renderImage(j.patient, j.view, createRng(j.noiseSeed));
  tf += cpu() - c; c = cpu();
  mp += r.width * r.height / 1e6;
  const plane = { width: r.width, height: r.height, data: r.stored, meta: { bitDepth: 16 } };
  await encodePng(plane, { bitDepth: 16, range: [0, 65535], compressionLevel: 1 });
  tp += cpu() - c; c = cpu();
  const max = 2 ** r.bitsStored - 1;
  const pixels = j.view.photometric === 'MONOCHROME1' ? r.stored.map((v) => max - v) : r.stored;
  writeDicom({ width: r.width, height: r.height, pixels, bitsStored: r.bitsStored, bitsAllocated: 16, signed: false, photometric: j.view.photometric }, dicomMetadata(j, r.truth));
  td += cpu() - c;
}
console.log(`${N} images, ${(mp / N).toFixed(2)} MP avg: formation ${(tf / N).toFixed(0)} ms, png ${(tp / N).toFixed(0)} ms, dicom ${(td / N).toFixed(0)} ms CPU/image`);
const out = mkdtempSync(join(tmpdir(), 'phcpu-'));
const c0 = cpu();
const s = await generateCohort({ out, patients: Math.ceil(N / 3), seed: 11, workers: 0 });
const c1 = cpu() - c0;
console.log(`generateCohort workers 0: ${s.images.written} images, ${(c1 / s.images.written).toFixed(0)} ms CPU/image end to end`);
rmSync(out, { recursive: true, force: true });
