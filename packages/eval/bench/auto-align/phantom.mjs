#!/usr/bin/env node
/**
 * Automatic alignment on phantom cohorts with ground truth: trains core's aligner on one cohort's
 * clicks and measures it on another cohort's truth.
 *
 *   node packages/eval/bench/auto-align/phantom.mjs --train DIR --test DIR [--grid 96] [--epochs 24] [--hidden 32] [--negatives 500] [--json OUT]
 *
 * Prints: axis angle error (median, 95th percentile, vs the truth's shaft direction at the fracture),
 * fracture-centre error in mm and as a fraction of the shaft width, and the share of intervention
 * crops (the pathway's own geometry) that contain the whole ground-truth fracture region (and its centre).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { affine, alignerSample, alignRadiograph, DEFAULT_CROP_FRACTION, interventionGeometry, loadManifest, readRadiograph, trainAligner } from '@affnet/core';

const { values: a } = parseArgs({
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    grid: { type: 'string', default: '96' },
    epochs: { type: 'string', default: '24' },
    hidden: { type: 'string', default: '32' },
    negatives: { type: 'string', default: '500' },
    hard: { type: 'string', default: '150' },
    json: { type: 'string' },
    save: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
if (!a.train || !a.test) {
  console.error('usage: phantom.mjs --train PHANTOM_DIR --test PHANTOM_DIR [--grid 96] [--epochs 24] [--json OUT]');
  process.exit(2);
}
const load = async (dir) => {
  const m = await loadManifest(join(dir, 'manifest.csv'));
  return m.items.map((it) => ({ ...it, dir }));
};
const trainItems = await load(a.train);
const t0 = performance.now();
const training = [];
for (const it of trainItems) if (it.clicks) training.push(alignerSample(await readRadiograph(it.path), it.clicks, Number(a.grid)));
const model = trainAligner(training, { grid: Number(a.grid), epochs: Number(a.epochs), hidden: Number(a.hidden), negatives: Number(a.negatives), hardNegatives: Number(a.hard), seed: 1 });
const trainS = (performance.now() - t0) / 1000;
const rows = [];
const t1 = performance.now();
for (const it of await load(a.test)) {
  const truth = JSON.parse(readFileSync(join(it.dir, it.extra?.truth ?? it.path.replace('/png/', '/truth/').replace(/\.png$/, '.json')), 'utf8'));
  const r = await readRadiograph(it.path);
  const found = alignRadiograph(model, r);
  const { fracture, axis } = found.clicks;
  const along = truth.frame.along;
  const d = { x: axis.x - fracture.x, y: axis.y - fracture.y };
  const n = Math.hypot(d.x, d.y);
  const angle = (Math.acos(Math.min(1, Math.abs((d.x * along.x + d.y * along.y) / n))) * 180) / Math.PI;
  const px = Math.hypot(fracture.x - truth.fracture.centre.x, fracture.y - truth.fracture.centre.y);
  const mm = px / truth.frame.pxPerMm;
  const shaftWidthMm = 2 * truth.parameters.femur.shaftRadius;
  const N = 256;
  const inside = (clicks) => {
    const geo = interventionGeometry({ width: r.width, height: r.height, inputSize: N, clicks, cropFraction: DEFAULT_CROP_FRACTION });
    return truth.fracture.region.polygon.every((p) => {
      const q = affine.apply(geo.transform, p);
      return q.x >= -0.5 && q.y >= -0.5 && q.x <= N - 0.5 && q.y <= N - 0.5;
    });
  };
  const contained = inside(found.clicks);
  const centreGeo = interventionGeometry({ width: r.width, height: r.height, inputSize: N, clicks: found.clicks, cropFraction: DEFAULT_CROP_FRACTION });
  const c = affine.apply(centreGeo.transform, truth.fracture.centre);
  const centreInside = c.x >= -0.5 && c.y >= -0.5 && c.x <= N - 0.5 && c.y <= N - 0.5;
  const manualContained = it.clicks ? inside(it.clicks) : undefined;
  rows.push({
    id: it.pathAsWritten,
    fractureConfidence: found.fractureConfidence,
    axisConfidence: found.axisConfidence,
    angle,
    mm,
    widths: mm / shaftWidthMm,
    contained,
    centreInside,
    manualContained,
    confidence: found.confidence,
    warned: found.warning !== undefined,
  });
  if (a.verbose && (!contained || angle > 10))
    console.log(
      `${it.pathAsWritten}: angle ${angle.toFixed(1)}°, centre ${mm.toFixed(1)} mm, ${contained ? 'contained' : 'NOT contained'}${manualContained === false ? ' (nor by the clicks)' : ''}, confidence ${found.confidence.toFixed(2)}`,
    );
}
const locateMs = (performance.now() - t1) / rows.length;
const q = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.round(p * (s.length - 1)))];
};
const contained = rows.filter((r) => r.contained).length;
const warned = rows.filter((r) => r.warned);
const manual = rows.filter((r) => r.manualContained !== undefined);
const manualContained = manual.filter((r) => r.manualContained).length;
const summary = {
  trainImages: training.length,
  testImages: rows.length,
  grid: model.grid,
  trainSeconds: Number(trainS.toFixed(1)),
  locateMsPerImage: Number(locateMs.toFixed(1)),
  angleDeg: {
    median: q(
      rows.map((r) => r.angle),
      0.5,
    ),
    p95: q(
      rows.map((r) => r.angle),
      0.95,
    ),
  },
  centreMm: {
    median: q(
      rows.map((r) => r.mm),
      0.5,
    ),
    p95: q(
      rows.map((r) => r.mm),
      0.95,
    ),
  },
  centreShaftWidths: {
    median: q(
      rows.map((r) => r.widths),
      0.5,
    ),
    p95: q(
      rows.map((r) => r.widths),
      0.95,
    ),
  },
  contained: { n: contained, of: rows.length, share: contained / rows.length },
  centreInCrop: { n: rows.filter((r) => r.centreInside).length, of: rows.length },
  manualContained: { n: manualContained, of: manual.length },
  warned: { n: warned.length, containedAmongWarned: warned.filter((r) => r.contained).length },
};
console.log(
  `aligner trained on ${summary.trainImages} images (grid ${summary.grid}, ${summary.trainSeconds} s), tested on ${summary.testImages} (${summary.locateMsPerImage} ms/image)\n` +
    `axis angle error: median ${summary.angleDeg.median.toFixed(1)}°, p95 ${summary.angleDeg.p95.toFixed(1)}°\n` +
    `fracture centre error: median ${summary.centreMm.median.toFixed(1)} mm (${summary.centreShaftWidths.median.toFixed(2)} shaft widths), p95 ${summary.centreMm.p95.toFixed(1)} mm (${summary.centreShaftWidths.p95.toFixed(2)})\n` +
    `crops containing the whole fracture region: ${contained}/${rows.length} (${(100 * summary.contained.share).toFixed(1)} %); with the cohort's own clicks: ${manualContained}/${manual.length}\n` +
    `crops containing the fracture centre: ${summary.centreInCrop.n}/${rows.length}\n` +
    `low-confidence warnings: ${warned.length} (of which contained: ${summary.warned.containedAmongWarned})`,
);
if (a.save) writeFileSync(a.save, `${JSON.stringify(model)}\n`);
if (a.json) writeFileSync(a.json, `${JSON.stringify({ summary, rows }, null, 1)}\n`);
