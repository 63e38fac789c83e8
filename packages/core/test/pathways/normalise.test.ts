// Normalisation options: per-image z-score (reference study) and Keras 'caffe' input for ImageNet weights.
import { describe, expect, it } from 'vitest';
import { caffeToChannels, createBundleManifest, IMAGENET_CAFFE_MEAN_BGR, isAffnetError, parseBundleManifest, preprocess, type PreprocessingSpec } from '../../src/index.js';
import { addBlob, blank } from './draw.js';

const close = (actual: ArrayLike<number>, expected: number[]) => expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 3));

describe('caffeToChannels', () => {
  it('uses the Keras ImageNet means in BGR order', () => {
    expect(IMAGENET_CAFFE_MEAN_BGR).toEqual([103.939, 116.779, 123.68]);
  });

  it.each([
    // value, bit depth → [B, G, R] = value·255/(2^bits − 1) − mean (hand-computed)
    { plane: [0, 255], bits: 8, out: [-103.939, -116.779, -123.68, 151.061, 138.221, 131.32] },
    { plane: [51, 204], bits: 8, out: [-52.939, -65.779, -72.68, 100.061, 87.221, 80.32] },
    { plane: [0, 4095], bits: 12, out: [-103.939, -116.779, -123.68, 151.061, 138.221, 131.32] },
    { plane: [1, 2], bits: 2, out: [-18.939, -31.779, -38.68, 66.061, 53.221, 46.32] },
  ])('$plane at $bits bits', ({ plane, bits, out }) => {
    const buf = new Float32Array(2 + 6).fill(-1);
    const stats = caffeToChannels(new Float32Array(plane), buf, 2, bits);
    expect(buf[0]).toBe(-1); // nothing written before the offset
    expect(buf[1]).toBe(-1);
    close(buf.subarray(2), out);
    expect(stats.mean).toBeCloseTo((plane[0]! + plane[1]!) / 2, 6);
    expect(stats.sd).toBeCloseTo(Math.abs(plane[1]! - plane[0]!) / 2, 6);
  });

  it.each([
    { name: 'uniform plane', plane: [7, 7, 7], bits: 8, code: 'E_IMAGE_UNIFORM', re: /a\.png: image is uniform/ },
    { name: 'NaN', plane: [1, Number.NaN], bits: 8, code: 'E_IMAGE_UNSUPPORTED', re: /non-finite/ },
    { name: 'bit depth 0', plane: [1, 2], bits: 0, code: 'E_OPTION_INVALID', re: /a\.png: imagenet-caffe normalisation: bit depth must be an integer in \[1, 32\], got 0/ },
    { name: 'bit depth 8.5', plane: [1, 2], bits: 8.5, code: 'E_OPTION_INVALID', re: /got 8\.5/ },
  ])('refuses a $name', ({ plane, bits, code, re }) => {
    try {
      caffeToChannels(new Float32Array(plane), new Float32Array(plane.length * 3), 0, bits, 'a.png');
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e)).toBe(true);
      expect((e as { code: string }).code).toBe(code);
      expect(String(e)).toMatch(re);
    }
  });
});

describe("preprocess with normalisation 'imagenet-caffe'", () => {
  const spec = (normalisation: PreprocessingSpec['normalisation']): PreprocessingSpec => ({ pathway: 'automated', inputSize: 32, normalisation });
  const image = (bitDepth: number) => {
    const img = blank(120, 90, 0.25 * (2 ** bitDepth - 1), { bitDepth });
    addBlob(img, { x: 60, y: 40 }, 0.5 * (2 ** bitDepth - 1), 6);
    return img;
  };

  it.each([8, 12, 16])('is the z-scored input mapped back to 0–255 minus the means (%i bits)', (bits) => {
    const z = preprocess(image(bits), spec('zscore'));
    const c = preprocess(image(bits), spec('imagenet-caffe'));
    expect(c.stats).toEqual(z.stats);
    expect(c.transform).toEqual(z.transform);
    const scale = 255 / (2 ** bits - 1);
    for (let i = 0; i < c.data.length; i += 3) {
      const grey = (z.data[i]! * z.stats.sd + z.stats.mean) * scale;
      expect(c.data[i]).toBeCloseTo(grey - 103.939, 2);
      expect(c.data[i + 1]).toBeCloseTo(grey - 116.779, 2);
      expect(c.data[i + 2]).toBeCloseTo(grey - 123.68, 2);
    }
    // The background (a quarter of full scale) keeps its level: 0.25·255 − 103.939 = −40.189.
    expect(c.data[0]).toBeCloseTo(-40.189, 1);
  });
});

describe('bundle manifests carry the normalisation', () => {
  it.each(['zscore', 'imagenet-caffe'] as const)('%s round-trips through createBundleManifest and the schema', (normalisation) => {
    const m = createBundleManifest({ architecture: 'vgg19', inputSize: 64, tool: 'test', normalisation });
    expect(m.preprocessing).toEqual({ pathway: 'automated', inputSize: 64, normalisation });
    expect(parseBundleManifest(JSON.parse(JSON.stringify(m))).preprocessing.normalisation).toBe(normalisation);
  });

  it('defaults to zscore and refuses an unknown normalisation, naming the field', () => {
    expect(createBundleManifest({ architecture: 'vgg19', tool: 'test' }).preprocessing.normalisation).toBe('zscore');
    const m = createBundleManifest({ architecture: 'vgg19', inputSize: 64, tool: 'test' });
    const bad = { ...m, preprocessing: { ...m.preprocessing, normalisation: 'imagenet-torch' } };
    expect(() => parseBundleManifest(bad, 'b/model.json')).toThrow(/b\/model\.json: invalid bundle manifest: preprocessing\.normalisation: .*"zscore"\|"imagenet-caffe"/);
  });
});
