/**
 * The AFF / NFF cues are in the parameters and, measured from the pixels, in the images: the
 * fracture-line obliquity per class and the lateral cortex thickening next to the line (beaking).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@affnet/core';
import { cueRanges, drawPatient, drawView, renderImage, type FractureLabel } from '../src/index.js';
import { measureFeatures, type MeasuredFeatures } from '../src/measure/features.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const share = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;

describe('cue ranges by difficulty', () => {
  it.each([
    ['AFF', 0, [0, 12], [2.5, 5], 1, 0],
    ['AFF', 1, [0, 30], [0.2, 2.5], 1, 0],
    ['NFF', 0, [35, 70], [0.3, 2], 0, 0.6],
    ['NFF', 1, [35, 70], [0.3, 2], 0.45, 0.25],
  ] as const)('%s at D = %f: angle %j, beak %j mm, beak share %f, butterfly share %f', (label, d, angle, beak, beakShare, butterfly) => {
    const r = cueRanges(label, d);
    expect(r.angle).toEqual(angle);
    expect(r.beakHeight.map((v) => Math.round(v * 100) / 100)).toEqual(beak);
    expect(r.beakShare).toBeCloseTo(beakShare, 12);
    expect(r.butterflyShare).toBeCloseTo(butterfly, 12);
  });

  it.each([
    // label, D, share of |AP obliquity| ≤ 30°, share with a beak ≥ 1 mm
    ['AFF', 0, 1, 1],
    ['NFF', 0, 0, 0],
  ] as const)('drawn %s at D = %f: share ≤ 30° is %f, share with a ≥ 1 mm beak is %f', (label, d, transverse, beaked) => {
    const rng = createRng(5);
    const ps = Array.from({ length: 400 }, (_, i) => drawPatient(rng, i, label, d));
    expect(share(ps.map((p) => Math.abs(p.fracture.obliquityAP) <= 30))).toBe(transverse);
    expect(share(ps.map((p) => p.fracture.beak.height >= 1))).toBe(beaked);
  });

  it('at D = 1 the cues overlap: some NFF are near-transverse or beaked, some AFF beaks are faint', () => {
    const rng = createRng(6);
    const nff = Array.from({ length: 2000 }, (_, i) => drawPatient(rng, i, 'NFF', 1).fracture);
    const aff = Array.from({ length: 2000 }, (_, i) => drawPatient(rng, i, 'AFF', 1).fracture);
    // near-transverse NFF: half are drawn at 5–30°
    expect(share(nff.map((f) => Math.abs(f.obliquityAP) <= 30))).toBeCloseTo(0.5, 1);
    expect(share(nff.map((f) => f.beak.height > 0))).toBeCloseTo(0.45, 1);
    // AFF beaks at D = 1 are 0.2–2.5 mm: (1 − 0.2)/2.3 ≈ 0.35 are below 1 mm
    expect(share(aff.map((f) => f.beak.height < 1))).toBeCloseTo(0.35, 1);
  });
});

describe('measured from the pixels (AP views, D = 0)', () => {
  const measured: Record<FractureLabel, MeasuredFeatures[]> = { AFF: [], NFF: [] };
  beforeAll(() => {
    const rng = createRng(21);
    for (let i = 0; i < 20; i++) {
      const label: FractureLabel = i % 2 === 0 ? 'AFF' : 'NFF';
      const p = drawPatient(rng, i, label, 0);
      const v = drawView(rng, p, 0, { height: [640, 640] });
      const r = renderImage(p, v, createRng(100 + i));
      measured[label].push(measureFeatures({ width: r.width, height: r.height, data: r.stored }, r.truth));
    }
  });

  it('fracture-line angles: AFF transverse (≤ 30°), NFF oblique', () => {
    const aff = measured.AFF.map((m) => m.angle);
    const nff = measured.NFF.map((m) => m.angle);
    expect(share(aff.map((a) => a <= 30))).toBeGreaterThanOrEqual(0.9);
    expect(share(nff.map((a) => a > 30))).toBeGreaterThanOrEqual(0.9);
    expect(median(aff)).toBeLessThan(15);
    expect(median(nff)).toBeGreaterThan(45);
  });

  it('the lateral cortex thickens towards the line in AFF only', () => {
    const aff = measured.AFF.map((m) => m.thickening);
    const nff = measured.NFF.map((m) => m.thickening);
    expect(median(aff)).toBeGreaterThan(1.2);
    expect(Math.abs(median(nff))).toBeLessThan(0.6);
    // AFF profile: thickness falls with distance from the line (5 mm > 20 mm > 50 mm)
    const at = (offset: number) => median(measured.AFF.map((m) => m.profile.find((p) => p.offset === offset)!.thickness));
    expect(at(-5)).toBeGreaterThan(at(-20));
    expect(at(-20)).toBeGreaterThan(at(-50) - 0.2);
  });
});
