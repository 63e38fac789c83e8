#!/usr/bin/env node
/**
 * Automatic alignment on real radiographs (no ground truth): runs an aligner on the shared FracAtlas
 * leg images and DICOM radiographs, writes a gallery (each radiograph with the auto crop's square and
 * points, next to the crop the network would get) and judges each crop with a shaft check: a bone
 * shaft in the crop is a vertical band (the aligned axis) brighter than both sides on at least half of
 * the rows. The same check is run on a phantom cohort's manual crops, to show what it says when the
 * shaft is known to be there.
 *
 *   node packages/eval/bench/auto-align/real.mjs --aligner FILE [--data ../shared/data] [--images 48] [--phantom DIR] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { affine, alignRadiograph, DEFAULT_CROP_FRACTION, interventionGeometry, loadManifest, preprocess, readAligner, readRadiograph } from '@affnet/core';

const { values: a } = parseArgs({
  options: {
    aligner: { type: 'string' },
    data: { type: 'string', default: process.env.AFFNET_DATA_DIR ?? '../shared/data' },
    images: { type: 'string', default: '48' },
    phantom: { type: 'string' },
    out: { type: 'string', default: 'auto-align-real' },
  },
});
if (!a.aligner) {
  console.error('usage: real.mjs --aligner FILE [--data DIR] [--images 48] [--phantom DIR] [--out DIR]');
  process.exit(2);
}
const model = await readAligner(a.aligner);
const N = 128;
const spec = { pathway: 'intervention', inputSize: N, normalisation: 'zscore' };

/** Shaft check on a crop (z-scored first channel): share of rows whose central band beats both sides. */
function shaftCheck(data) {
  const band = (y, x0, x1) => {
    let s = 0;
    for (let x = Math.floor(x0 * N); x < Math.ceil(x1 * N); x++) s += data[(y * N + x) * 3];
    return s / (Math.ceil(x1 * N) - Math.floor(x0 * N));
  };
  let rows = 0;
  for (let y = 0; y < N; y++) {
    const c = band(y, 0.38, 0.62);
    if (c > band(y, 0.05, 0.28) + 0.25 && c > band(y, 0.72, 0.95) + 0.25) rows++;
  }
  return rows / N;
}

const labels = readFileSync(join(a.data, 'fracatlas', 'labels.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const leg = labels
  .filter((c) => c[3] === '1')
  .slice(0, Number(a.images))
  .map((c) => join(a.data, 'fracatlas', c[0]));
const dicoms = ['RG2_JPLL.dcm', 'RG3_J2KI.dcm'].map((f) => join(a.data, 'dicom', 'real-radiographs', f));
const rows = [];
const tiles = [];
const T = 160;
for (const file of [...leg, ...dicoms]) {
  let r;
  try {
    r = await readRadiograph(file, { truncated: 'accept' });
  } catch (e) {
    rows.push({ file, error: e.message });
    continue;
  }
  const found = alignRadiograph(model, r);
  const p = preprocess(r, spec, { clicks: found.clicks });
  const shaft = shaftCheck(p.data);
  rows.push({ file: file.split('/').slice(-2).join('/'), confidence: found.confidence, warned: Boolean(found.warning), shaftRows: shaft, shaft: shaft >= 0.5 });
  tiles.push(await tile(r, found, p.data, shaft >= 0.5));
}

let phantom;
if (a.phantom) {
  const m = await loadManifest(join(a.phantom, 'manifest.csv'));
  const shares = [];
  for (const it of m.items) if (it.clicks) shares.push(shaftCheck(preprocess(await readRadiograph(it.path), spec, { clicks: it.clicks }).data));
  phantom = { images: shares.length, shaft: shares.filter((s) => s >= 0.5).length };
}

async function tile(r, found, crop, shaft) {
  // Left: the radiograph fitted in T×T with the crop square (yellow) and the points; right: the crop.
  const k = T / Math.max(r.width, r.height);
  const sorted = Float32Array.from(r.data).sort();
  const lo = sorted[Math.floor(0.01 * sorted.length)];
  const hi = sorted[Math.floor(0.995 * sorted.length)];
  const W = 2 * T + 8;
  const rgb = Buffer.alloc(W * T * 3, 20);
  for (let y = 0; y < T; y++) {
    for (let x = 0; x < T; x++) {
      const sx = Math.floor(x / k);
      const sy = Math.floor(y / k);
      if (sx >= r.width || sy >= r.height) continue;
      const g = Math.max(0, Math.min(255, ((r.data[sy * r.width + sx] - lo) / (hi - lo)) * 255));
      rgb.fill(g, 3 * (y * W + x), 3 * (y * W + x) + 3);
    }
  }
  const put = (x, y, c) => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi >= 0 && yi >= 0 && xi < T && yi < T) rgb.set(c, 3 * (yi * W + xi));
  };
  const g = interventionGeometry({ width: r.width, height: r.height, inputSize: N, clicks: found.clicks, cropFraction: DEFAULT_CROP_FRACTION });
  const inv = affine.invert(g.transform);
  const corners = [
    [-0.5, -0.5],
    [N - 0.5, -0.5],
    [N - 0.5, N - 0.5],
    [-0.5, N - 0.5],
  ].map(([x, y]) => affine.apply(inv, { x, y }));
  const colour = found.warning ? [255, 80, 80] : [255, 210, 0];
  for (let i = 0; i < 4; i++) {
    const p = corners[i];
    const q = corners[(i + 1) % 4];
    for (let t = 0; t <= 1; t += 0.002) put((p.x + t * (q.x - p.x)) * k, (p.y + t * (q.y - p.y)) * k, colour);
  }
  for (const [pt, c] of [
    [found.clicks.fracture, [255, 60, 60]],
    [found.clicks.axis, [60, 170, 255]],
  ])
    for (let d = -3; d <= 3; d++) put(pt.x * k + d, pt.y * k, c), put(pt.x * k, pt.y * k + d, c);
  let clo = Infinity;
  let chi = -Infinity;
  for (let i = 0; i < N * N; i++) (clo = Math.min(clo, crop[i * 3])), (chi = Math.max(chi, crop[i * 3]));
  const s = T / N;
  for (let y = 0; y < T; y++)
    for (let x = 0; x < T; x++) rgb.fill(Math.round(((crop[(Math.floor(y / s) * N + Math.floor(x / s)) * 3] - clo) / (chi - clo)) * 255), 3 * (y * W + T + 8 + x), 3 * (y * W + T + 8 + x) + 3);
  // A bar under the crop: green when the shaft check finds a shaft, grey otherwise.
  for (let y = T - 4; y < T; y++) for (let x = T + 8; x < W; x++) rgb.set(shaft ? [40, 200, 90] : [110, 110, 110], 3 * (y * W + x));
  return { rgb, W };
}

mkdirSync(a.out, { recursive: true });
const cols = 4;
const TW = tiles[0]?.W ?? 1;
const sheetW = cols * (TW + 6);
const sheetH = Math.ceil(tiles.length / cols) * (T + 6);
const sheet = Buffer.alloc(sheetW * sheetH * 3, 0);
tiles.forEach((t, i) => {
  const ox = (i % cols) * (TW + 6);
  const oy = Math.floor(i / cols) * (T + 6);
  for (let y = 0; y < T; y++) t.rgb.copy(sheet, 3 * ((oy + y) * sheetW + ox), 3 * y * TW, 3 * (y + 1) * TW);
});
if (tiles.length > 0)
  await sharp(sheet, { raw: { width: sheetW, height: sheetH, channels: 3 } })
    .png()
    .toFile(join(a.out, 'gallery.png'));
const ok = rows.filter((r) => !r.error);
const summary = {
  images: ok.length,
  unreadable: rows.length - ok.length,
  shaftInCrop: ok.filter((r) => r.shaft).length,
  warned: ok.filter((r) => r.warned).length,
  shaftAmongConfident: ok.filter((r) => !r.warned && r.shaft).length,
  confident: ok.filter((r) => !r.warned).length,
  ...(phantom ? { phantomManualCrops: phantom } : {}),
};
writeFileSync(join(a.out, 'real.json'), `${JSON.stringify({ summary, rows }, null, 1)}\n`);
console.log(
  `real radiographs: ${summary.images} aligned (${summary.unreadable} unreadable); the shaft check finds a shaft in ${summary.shaftInCrop}/${summary.images} auto crops; ` +
    `${summary.warned} flagged uncertain; among the confident ones ${summary.shaftAmongConfident}/${summary.confident}` +
    (phantom ? `\nthe same check on phantom crops from the clicks: ${phantom.shaft}/${phantom.images}` : '') +
    `\ngallery: ${join(a.out, 'gallery.png')}`,
);
