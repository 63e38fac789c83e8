// Real radiographs (FracAtlas, shared data): skipped with a reason when the data folder is absent,
// always run in CI.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRaster, isAffnetError, preprocess, requireDataDir } from '../../src/index.js';

const { dir, skipReason } = requireDataDir('fracatlas/images');
if (skipReason) console.warn(`fracatlas tests skipped: ${skipReason}`);

describe.skipIf(!dir)('FracAtlas JPEGs', () => {
  const path = (name: string) => join(dir!, name);

  it.each([
    // 3-channel JPEG of a grey image and a single-channel one (see shared/data/README.md)
    { name: 'IMG0000276.jpg', note: /grey image stored as RGB/ },
    { name: 'IMG0000308.jpg', note: undefined },
  ])('$name decodes to one 8-bit channel', async ({ name, note }) => {
    const r = await decodeRaster(path(name));
    expect(r.meta.bitDepth).toBe(8);
    expect(r.data.length).toBe(r.width * r.height);
    const pipeline = r.meta.pipeline!.join('\n');
    if (note) expect(pipeline).toMatch(note);
    else expect(pipeline).not.toMatch(/RGB|luminance/);
    const out = preprocess(r, { pathway: 'automated', inputSize: 64, normalisation: 'zscore' });
    expect(out.shape).toEqual([1, 64, 64, 3]);
  });

  it('refuses a JPEG truncated before its EOI by default, naming the file', async () => {
    const file = path('IMG0004028.jpg');
    try {
      await decodeRaster(file);
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e, 'E_IMAGE_DECODE')).toBe(true);
      expect(String(e)).toContain(`${file}: JPEG file is truncated`);
    }
  });

  it("decodes it with { truncated: 'accept' } and notes it", async () => {
    const r = await decodeRaster(path('IMG0004028.jpg'), undefined, { truncated: 'accept' });
    expect([r.width, r.height]).toEqual([373, 454]);
    // libjpeg fills what is missing with mid-grey: here the last 22 rows (432–453)
    expect(r.meta.pipeline!.join('\n')).toMatch(/truncated JPEG decoded \(truncated: 'accept'\).*\(the last 22 of 454 rows are constant 128\)/);
  });
});
