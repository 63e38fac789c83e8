// The real FracAtlas subset (shared data): its labels.csv loads through FRACATLAS_MAPPING and splits.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRACATLAS_MAPPING, loadManifest, patientKFold, splitStats } from '../../src/data/index.js';
import { requireDataDir } from '../../src/settings.js';

const { dir, skipReason } = requireDataDir('fracatlas');
if (skipReason) console.log(`skipping FracAtlas manifest tests: ${skipReason}`);

describe.skipIf(!dir)('FracAtlas labels.csv', () => {
  it('loads 600 images, 200 fractured, no patient ids, every file present', async () => {
    const m = await loadManifest(join(dir!, 'labels.csv'), { ...FRACATLAS_MAPPING, checkFiles: true });
    expect(m.items).toHaveLength(600);
    expect(m.items.filter((i) => i.label === 'fracture')).toHaveLength(200);
    expect([m.labels, m.positive, m.patientIdsKnown]).toEqual([['fracture', 'no_fracture'], 'fracture', false]);
    expect(m.items[0]).toMatchObject({
      path: join(dir!, 'images', 'IMG0000001.jpg'),
      label: 'no_fracture',
      line: 2,
      extra: { hip: '0', leg: '1', hardware: '0', frontal: '1', lateral: '1', oblique: '0' },
    });
  });

  it('5 stratified folds hold 40 fractured and 80 other images each', async () => {
    const m = await loadManifest(join(dir!, 'labels.csv'), FRACATLAS_MAPPING);
    const split = patientKFold(m, { k: 5, seed: 1 });
    expect(split.grouping).toBe('image');
    expect(splitStats(split, m).map((s) => [s.test.images, s.test.positiveImages])).toEqual(Array(5).fill([120, 40]));
  });
});
