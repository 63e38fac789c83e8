/**
 * A tiny cohort end to end: identical bytes for a seed (and for any number of workers), DICOM that
 * decodes with @affnet/core to the PNG's pixels, manifests that validate, and consistent ground truth.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, readRadiograph, type Point } from '@affnet/core';
import { generateCohort, type CohortOptions, type GroundTruth } from '../src/index.js';
import { insidePolygon } from '../src/truth/hull.js';

const root = mkdtempSync(join(tmpdir(), 'affnet-phantom-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const options = (out: string, seed = 1): CohortOptions => ({ out: join(root, out), patients: 4, seed, imagesPerPatient: [2, 2], height: [200, 260], workers: 0 });

/** Every file under `dir`, relative, `/`-separated, sorted. */
const tree = (dir: string) =>
  (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split(sep).join('/'))
    .sort();

beforeAll(async () => {
  await generateCohort(options('a'));
  await generateCohort(options('b'));
  await generateCohort(options('c', 2));
}, 120_000);

describe('determinism', () => {
  it('the same seed gives identical bytes in every file', () => {
    const a = tree(join(root, 'a'));
    expect(a).toContain('manifest.csv');
    expect(a).toContain('png/PH0004/PH0004-2-LAT.png');
    expect(tree(join(root, 'b'))).toEqual(a);
    for (const f of a) expect(readFileSync(join(root, 'b', f)).equals(readFileSync(join(root, 'a', f))), f).toBe(true);
  });

  it('another seed gives other images', () => {
    const f = 'png/PH0001/PH0001-1-AP.png';
    expect(readFileSync(join(root, 'c', f)).equals(readFileSync(join(root, 'a', f)))).toBe(false);
  });

  // Worker threads need the compiled worker script (dist/): CI builds before testing.
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const skip = existsSync(dist) ? undefined : 'dist/ not built (run pnpm build); worker threads need the compiled worker';
  if (skip && process.env.CI === 'true') throw new Error(`CI run without a build: ${skip}`);
  if (skip) console.log(`skipping the worker-thread determinism test: ${skip}`);
  it.skipIf(skip !== undefined)(
    'two worker threads write the same bytes as one thread',
    async () => {
      const built = (await import(dist)) as typeof import('../src/index.js');
      await built.generateCohort({ ...options('w'), workers: 2 });
      for (const f of tree(join(root, 'a'))) expect(readFileSync(join(root, 'w', f)).equals(readFileSync(join(root, 'a', f))), f).toBe(true);
    },
    120_000,
  );
});

describe('files', () => {
  it('every DICOM decodes with @affnet/core to the same pixels as its PNG, with its metadata', async () => {
    const m = await loadManifest(join(root, 'a', 'manifest.csv'));
    const seen = new Set<string>();
    for (const item of m.items) {
      const png = await readRadiograph(item.path);
      const dcm = await readRadiograph(join(root, 'a', item.extra!.dicom!));
      const truth = JSON.parse(readFileSync(join(root, 'a', item.extra!.truth!), 'utf8')) as GroundTruth;
      expect([dcm.width, dcm.height]).toEqual([png.width, png.height]);
      expect(dcm.data).toEqual(png.data);
      expect(dcm.meta.bitDepth).toBe(truth.image.bitsStored);
      expect(dcm.meta.photometricInterpretation).toBe(truth.image.photometric);
      expect(dcm.meta.patientId).toBe(item.patientId);
      expect(dcm.meta.laterality).toBe(truth.side);
      expect(dcm.meta.viewPosition).toBe(item.view === 'AP' ? 'AP' : `${truth.side}L`);
      expect(dcm.meta.pixelSpacing).toEqual(truth.image.pixelSpacing);
      seen.add(truth.image.photometric).add(dcm.meta.modality!);
    }
    // seed 1 covers both polarities and both modalities
    expect([...seen].sort()).toEqual(['CR', 'DX', 'MONOCHROME1', 'MONOCHROME2']);
  });

  it.each(['manifest.csv', 'manifest-dicom.csv'])('%s validates with every file present', async (name) => {
    const m = await loadManifest(join(root, 'a', name), { checkFiles: true });
    expect(m.items).toHaveLength(8);
    expect(m.labels).toEqual(['AFF', 'NFF']);
    expect(m.positive).toBe('AFF');
    expect(m.patientIdsKnown).toBe(true);
    expect(m.items.filter((i) => i.label === 'AFF').length).toBe(4);
    expect(m.items.every((i) => i.clicks !== undefined)).toBe(true);
  });

  it('the ground truth is consistent: region around the centre, clicks near the truth', async () => {
    const m = await loadManifest(join(root, 'a', 'manifest.csv'));
    for (const item of m.items) {
      const t = JSON.parse(readFileSync(join(root, 'a', item.extra!.truth!), 'utf8')) as GroundTruth;
      const { centre, region } = t.fracture;
      const b = region.box;
      expect(insidePolygon(region.polygon, centre)).toBe(true);
      expect(centre.x >= b.x && centre.x <= b.x + b.width && centre.y >= b.y && centre.y <= b.y + b.height).toBe(true);
      const k = t.frame.pxPerMm;
      // click noise: 2 mm SD per axis for the fracture, 1.5 mm SD across the axis for the axis point
      expect(Math.hypot(t.clicks.fracture.x - centre.x, t.clicks.fracture.y - centre.y)).toBeLessThan(10 * k);
      const off = (p: Point, [a, c]: [Point, Point]) => Math.abs((p.x - a.x) * (c.y - a.y) - (p.y - a.y) * (c.x - a.x)) / Math.hypot(c.x - a.x, c.y - a.y);
      expect(Math.min(off(t.clicks.axis, t.shaftAxis.proximal), off(t.clicks.axis, t.shaftAxis.distal))).toBeLessThan(6 * k);
      expect({ x: item.clicks!.fracture.x, y: item.clicks!.fracture.y }).toEqual(t.clicks.fracture);
      expect(t.label).toBe(item.label);
      if (t.label === 'AFF') expect(t.fracture.angle).toBeLessThanOrEqual(30.5);
    }
  });
});
