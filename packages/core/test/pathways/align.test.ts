/**
 * The auto pathway's aligner on synthetic shafts: a bright bar at a random angle and place with a
 * fracture (a dark gap and a sideways step) somewhere along it and a bright blob at one end. Fitted
 * on clicks of some images, it must find the fracture and the axis on others far better than a
 * guess; it is seeded, travels in bundles, and preprocess uses it only where no clicks are given.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alignerSample,
  alignRadiograph,
  createRadiograph,
  createRng,
  initialBundle,
  preprocess,
  readAligner,
  readBundle,
  trainAligner,
  validateAligner,
  writeAligner,
  writeBundle,
  type AlignerModel,
  type InterventionClicks,
  type Radiograph,
} from '../../src/index.js';

function shaft(seed: number): { r: Radiograph; clicks: InterventionClicks; along: { x: number; y: number } } {
  const rng = createRng(seed);
  const W = 150 + rng.int(40);
  const H = 190 + rng.int(30);
  const angle = rng.uniform(-0.45, 0.45);
  const u = { x: Math.sin(angle), y: Math.cos(angle) };
  const c = { x: W / 2 + rng.uniform(-20, 20), y: H / 2 + rng.uniform(-15, 15) };
  const t = rng.uniform(-40, 40);
  const f = { x: c.x + t * u.x, y: c.y + t * u.y };
  const step = rng.uniform(3, 7) * (rng.next() < 0.5 ? -1 : 1);
  const data = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const along = (x - f.x) * u.x + (y - f.y) * u.y;
      const across = -(x - f.x) * u.y + (y - f.y) * u.x - (along > 0 ? step : 0);
      const onShaft = Math.abs(across) < 8 && Math.abs(along + t) < 85;
      const gap = Math.abs(along) < 1.5;
      const cortex = onShaft && Math.abs(across) > 5 ? 600 : 0;
      const end = { x: c.x + 85 * u.x, y: c.y + 85 * u.y };
      const blob = Math.hypot(x - end.x, y - end.y) < 16 ? 900 : 0;
      data[y * W + x] = 300 + (onShaft && !gap ? 900 + cortex : 0) + blob + rng.normal(0, 60);
    }
  }
  const axis = { x: f.x - 50 * u.x, y: f.y - 50 * u.y };
  return { r: createRadiograph(W, H, data, { source: `shaft-${seed}`, bitDepth: 12 }), clicks: { fracture: f, axis }, along: u };
}

describe('aligner (auto pathway)', () => {
  const train = Array.from({ length: 36 }, (_, i) => shaft(100 + i));
  const test = Array.from({ length: 16 }, (_, i) => shaft(900 + i));
  let model: AlignerModel;

  it('finds the fracture and the shaft axis on unseen images far better than a guess', () => {
    model = trainAligner(
      train.map((s) => ({ radiograph: s.r, clicks: s.clicks })),
      { grid: 48, epochs: 6, seed: 3 },
    );
    const errors = test.map((s) => {
      const a = alignRadiograph(model, s.r);
      const d = { x: a.clicks.axis.x - a.clicks.fracture.x, y: a.clicks.axis.y - a.clicks.fracture.y };
      const cos = Math.abs(d.x * s.along.x + d.y * s.along.y) / Math.hypot(d.x, d.y);
      return {
        centre: Math.hypot(a.clicks.fracture.x - s.clicks.fracture.x, a.clicks.fracture.y - s.clicks.fracture.y),
        guess: Math.hypot(s.r.width / 2 - s.clicks.fracture.x, s.r.height / 2 - s.clicks.fracture.y),
        angle: (Math.acos(Math.min(1, cos)) * 180) / Math.PI,
        upwards: d.y < 0,
        confidence: a.confidence,
      };
    });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Measured: median centre error 1.5 px (the image-centre guess: 27 px), median axis error 3.4°.
    expect(median(errors.map((e) => e.centre))).toBeLessThan(10);
    expect(median(errors.map((e) => e.centre))).toBeLessThan(median(errors.map((e) => e.guess)) / 2);
    expect(median(errors.map((e) => e.angle))).toBeLessThan(8);
    // The axis point goes up the image, as a user's click on the proximal shaft would.
    expect(errors.every((e) => e.upwards)).toBe(true);
    for (const e of errors) expect(e.confidence).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('is seeded: the same images and seed give the same aligner', () => {
    const items = train.slice(0, 6).map((s) => ({ radiograph: s.r, clicks: s.clicks }));
    const a = trainAligner(items, { grid: 32, epochs: 2, seed: 5 });
    const b = trainAligner(items, { grid: 32, epochs: 2, seed: 5 });
    const c = trainAligner(items, { grid: 32, epochs: 2, seed: 6 });
    expect(b.mlp.w1).toEqual(a.mlp.w1);
    expect(c.mlp.w1).not.toEqual(a.mlp.w1);
    // Samples (the grid plane only, what large cohorts keep in memory) give the very same aligner.
    const fromSamples = trainAligner(
      items.map((it) => alignerSample(it.radiograph, it.clicks, 32)),
      { grid: 32, epochs: 2, seed: 5 },
    );
    expect(fromSamples).toEqual(a);
    expect(() => trainAligner([alignerSample(items[0]!.radiograph, items[0]!.clicks, 48), alignerSample(items[1]!.radiograph, items[1]!.clicks, 48)], { grid: 32 })).toThrow(
      /made at grid 48, training at grid 32/,
    );
  });

  it('flags an image unlike the ones it learnt from instead of cropping silently', () => {
    const flat = createRadiograph(
      150,
      190,
      Float32Array.from({ length: 150 * 190 }, (_, i) => 300 + ((i * 7919) % 13)),
      { source: 'flat', bitDepth: 12 },
    );
    const a = alignRadiograph(model, flat);
    expect(a.warning).toMatch(/automatic alignment uncertain/);
  });

  it('preprocess: auto uses the aligner, given clicks win, and no aligner is a clear error', () => {
    const s = test[0]!;
    const spec = { pathway: 'auto' as const, inputSize: 32, normalisation: 'zscore' as const };
    const auto = preprocess(s.r, spec, { aligner: model });
    expect(auto.alignment?.source).toBe('auto');
    expect(auto.alignment?.clicks).toEqual(alignRadiograph(model, s.r).clicks);
    const manual = preprocess(s.r, spec, { aligner: model, clicks: s.clicks });
    expect(manual.alignment).toEqual({ source: 'clicks', clicks: s.clicks });
    // The intervention transform itself: the same as the intervention pathway on those points.
    const same = preprocess(s.r, { ...spec, pathway: 'intervention' }, { clicks: auto.alignment!.clicks });
    expect(Array.from(auto.data)).toEqual(Array.from(same.data));
    expect(() => preprocess(s.r, spec)).toThrow(/auto pathway needs an aligner/);
    expect(() => preprocess(s.r, { ...spec, pathway: 'intervention' })).toThrow(/needs clicks/);
  });

  it('travels as a file and in a bundle; a damaged one is refused with the file named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affnet-aligner-'));
    try {
      await writeAligner(join(dir, 'aligner.json'), model);
      expect(await readAligner(join(dir, 'aligner.json'))).toEqual(model);
      const bundle = initialBundle({ architecture: 'resnet18', inputSize: 32, pathway: 'auto', tool: 'test', seed: 1 });
      bundle.manifest.aligner = model;
      await writeBundle(join(dir, 'b'), bundle);
      expect((await readBundle(join(dir, 'b'))).manifest.aligner).toEqual(model);
      expect(await readAligner(join(dir, 'b'))).toEqual(model);
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...model, mlp: { ...model.mlp, w1: model.mlp.w1.slice(1) } }));
      await expect(readAligner(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not an affnet aligner/);
      expect(() => validateAligner({ format: 'affnet-aligner', version: 99 })).toThrow(/version 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
