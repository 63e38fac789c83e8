import { describe, expect, it } from 'vitest';
import { affine, createRng, isAffnetError, preprocess, preprocessBatch, type PreprocessingSpec } from '../../src/index.js';
import { addBlob, blank, centroid, channel0 } from './draw.js';

const spec = (extra: Partial<PreprocessingSpec> = {}): PreprocessingSpec => ({ pathway: 'automated', inputSize: 64, normalisation: 'zscore', ...extra });

function phantom(): ReturnType<typeof blank> {
  const img = blank(240, 180, 200);
  addBlob(img, { x: 150, y: 60 }, 4000, 5);
  return img;
}

describe('preprocess with augmentation', () => {
  it.each([
    { pathway: 'automated' as const, seed: 1 },
    { pathway: 'automated' as const, seed: 99 },
    { pathway: 'intervention' as const, seed: 5 },
  ])('$pathway, seed $seed: the marker lands where the returned transform says (one composed resample)', ({ pathway, seed }) => {
    const img = phantom();
    const clicks = { fracture: { x: 150, y: 60 }, axis: { x: 130, y: 170 } };
    const out = preprocess(img, spec({ pathway }), { clicks, augment: { rng: createRng(seed) } });
    expect(out.augmentation).toBeDefined();
    const p = channel0(out.data);
    const c = centroid(p, 64, Math.min(...p) + 0.05 * (Math.max(...p) - Math.min(...p)));
    const want = affine.apply(out.transform, { x: 150, y: 60 });
    expect(Math.hypot(c.x - want.x, c.y - want.y)).toBeLessThan(0.5);
    const back = affine.apply(out.inverse, c);
    // < 0.5 input px measured above, ×240/64 original px per input px (zoom ≥ 0.9): under 2.1 px
    expect(Math.hypot(back.x - 150, back.y - 60)).toBeLessThan(2.1);
  });

  it('gives identical output for the same seed and different output for another seed', () => {
    const img = phantom();
    const a = preprocess(img, spec(), { augment: { rng: createRng(123) } });
    const b = preprocess(img, spec(), { augment: { rng: createRng(123) } });
    const c = preprocess(img, spec(), { augment: { rng: createRng(124) } });
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(Buffer.from(c.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(false);
    expect(b.transform).toEqual(a.transform);
  });

  it('without augmentation the transform is the pathway transform alone', () => {
    const out = preprocess(phantom(), spec());
    expect(out.augmentation).toBeUndefined();
    expect(affine.isAxisAligned(out.transform)).toBe(true);
  });
});

describe('preprocessBatch', () => {
  it('stacks images into one NHWC batch equal to one-by-one preprocessing', () => {
    const imgs = [phantom(), blank(100, 100, 5), phantom()];
    addBlob(imgs[1]!, { x: 30, y: 70 }, 50, 4);
    const { batch, items, failures } = preprocessBatch(imgs, spec());
    expect(batch.shape).toEqual([3, 64, 64, 3]);
    expect(failures).toEqual([]);
    expect(items.map((i) => i.index)).toEqual([0, 1, 2]);
    const size = 64 * 64 * 3;
    imgs.forEach((img, k) => {
      const single = preprocess(img, spec());
      expect(Buffer.from(batch.data.slice(k * size, (k + 1) * size).buffer).equals(Buffer.from(single.data.buffer))).toBe(true);
    });
  });

  it('with onError "skip" records a failing item and leaves it out', () => {
    const imgs = [phantom(), blank(50, 50, 7, { source: 'flat.png' }), phantom()];
    const { batch, items, failures } = preprocessBatch(imgs, spec(), { onError: 'skip' });
    expect(batch.shape).toEqual([2, 64, 64, 3]);
    expect(batch.data.length).toBe(2 * 64 * 64 * 3);
    expect(items.map((i) => i.index)).toEqual([0, 2]);
    expect(failures.map((f) => [f.index, f.source, f.error.code])).toEqual([[1, 'flat.png', 'E_IMAGE_UNIFORM']]);
  });

  it('throws the first failure by default', () => {
    expect(() => preprocessBatch([phantom(), blank(50, 50, 7)], spec())).toThrow(/uniform/);
  });

  it('passes per-image clicks for the intervention pathway', () => {
    const clicks = [{ fracture: { x: 150, y: 60 }, axis: { x: 150, y: 160 } }];
    const { items } = preprocessBatch([phantom()], spec({ pathway: 'intervention' }), { clicks });
    expect(affine.apply(items[0]!.transform, { x: 150, y: 60 })).toEqual({ x: 31.5, y: 31.5 });
  });
});

describe('preprocess refuses bad input', () => {
  it.each([
    { name: 'uniform image', img: () => blank(40, 40, 3, { source: 'flat.png' }), s: spec(), code: 'E_IMAGE_UNIFORM', re: /flat\.png: image is uniform/ },
    {
      name: 'NaN pixels',
      img: () => {
        const i = phantom();
        i.data[10] = Number.NaN;
        return i;
      },
      s: spec(),
      code: 'E_IMAGE_UNSUPPORTED',
      re: /non-finite/,
    },
    { name: 'unknown pathway', img: phantom, s: spec({ pathway: 'automatic' as 'automated' }), code: 'E_OPTION_INVALID', re: /Did you mean "automated"\?/ },
    { name: 'input size', img: phantom, s: spec({ inputSize: 2.5 }), code: 'E_OPTION_INVALID', re: /preprocessing\.inputSize: expected an integer/ },
    { name: 'crop fraction', img: phantom, s: spec({ cropFraction: 1.5 }), code: 'E_OPTION_INVALID', re: /preprocessing\.cropFraction/ },
    { name: 'background', img: phantom, s: spec({ background: 'median' as 'border-median' }), code: 'E_OPTION_INVALID', re: /preprocessing\.background/ },
    { name: 'normalisation', img: phantom, s: spec({ normalisation: 'minmax' as 'zscore' }), code: 'E_OPTION_INVALID', re: /Available: zscore/ },
  ])('$name', ({ img, s, code, re }) => {
    try {
      preprocess(img(), s);
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e)).toBe(true);
      expect((e as { code: string }).code).toBe(code);
      expect(String(e)).toMatch(re);
    }
  });
});
