import { describe, expect, it } from 'vitest';
import {
  bundleGraph,
  camOnOriginal,
  classActivationMaps,
  decidedClass,
  initialBundle,
  isAffnetError,
  predictImages,
  stackImages,
  type ForwardResult,
  type ImageBatch,
  type LoadedModel,
} from '../../src/index.js';

// A VGG19 bundle at 64 px: its last feature map is 2×2×512 (not a 1×1 map, which a CAM cannot localise with).
const bundle = initialBundle({ architecture: 'vgg19', inputSize: 64, labels: ['AFF', 'NFF'], positiveLabel: 'AFF', pathway: 'automated', tool: 'test', seed: 1 });
const kernel = bundle.weights.get(`${bundleGraph(bundle.manifest).outputs.classifier}/kernel`)!;

/**
 * A stand-in runtime: image b's feature map is channel 0 = b + 1 at cell (b mod 2, 0), 0 elsewhere;
 * probabilities are given per image. Records the batches it saw.
 */
function fakeModel(probs: number[]): LoadedModel & { batches: number[] } {
  const batches: number[] = [];
  let seen = 0;
  return {
    batches,
    bundle,
    runtime: { backend: 'fake', engine: 'cpu', precision: 'fp32' },
    async forward(batch: ImageBatch, options: { features?: boolean } = {}): Promise<ForwardResult> {
      const n = batch.shape[0];
      batches.push(n);
      const p = new Float32Array(n * 2);
      const f = new Float32Array(n * 2 * 2 * 512);
      for (let k = 0; k < n; k++) {
        const b = seen + k;
        p[2 * k] = probs[b]!;
        p[2 * k + 1] = 1 - probs[b]!;
        f[((k * 2 + 0) * 2 + (b % 2)) * 512] = b + 1;
      }
      seen += n;
      return { probabilities: p, numClasses: 2, ...(options.features ? { features: { data: f, shape: [n, 2, 2, 512] as [number, number, number, number] } } : {}) };
    },
    async dispose() {},
  };
}

const image = () => ({ data: new Float32Array(64 * 64 * 3) });

describe('predictImages: the one runtime-neutral inference step', () => {
  it('probabilities, decided class and label per image, in batches', async () => {
    const model = fakeModel([0.9, 0.2, 0.5, 0.49, 0.7]);
    const out = await predictImages(model, [image(), image(), image(), image(), image()], { batchSize: 2 });
    expect(model.batches).toEqual([2, 2, 1]);
    expect(out.map((o) => [o.probability, o.classIndex, o.label])).toEqual([
      [expect.closeTo(0.9, 6), 0, 'AFF'],
      [expect.closeTo(0.2, 6), 1, 'NFF'],
      [0.5, 0, 'AFF'], // the threshold is inclusive
      [expect.closeTo(0.49, 6), 1, 'NFF'],
      [expect.closeTo(0.7, 6), 0, 'AFF'],
    ]);
    expect(out[0]!.cam).toBeUndefined();
    expect(Array.from(out[1]!.probabilities)).toEqual([expect.closeTo(0.2, 6), expect.closeTo(0.8, 6)]);
  });

  it('CAM of the decided class on a 2×2 feature map: Σ_c w[c, k]·f_c at each cell', async () => {
    const out = await predictImages(fakeModel([0.9, 0.2]), [image(), image()], { cam: true });
    // image 0 → AFF (class 0), feature 1 at cell (0, 0); image 1 → NFF (class 1), feature 2 at cell (1, 0)
    const w = (c: number, k: number) => kernel.data[c * 2 + k]!;
    expect(out[0]!.cam!.shape).toEqual([1, 2, 2]);
    expect(Array.from(out[0]!.cam!.data)).toEqual([expect.closeTo(w(0, 0), 6), 0, 0, 0]);
    expect(Array.from(out[1]!.cam!.data)).toEqual([0, expect.closeTo(2 * w(0, 1), 6), 0, 0]);
  });

  it('a threshold moves the decision', async () => {
    const out = await predictImages(fakeModel([0.6]), [image()], { threshold: 0.7 });
    expect(out[0]!.label).toBe('NFF');
    expect(decidedClass(bundle, 0.7, 0.7)).toBe(0);
  });

  it('a runtime without the feature map: a runtime error, not a silent empty CAM', () => {
    const e = (() => {
      try {
        classActivationMaps(bundle, { probabilities: new Float32Array(2), numClasses: 2 }, [0]);
      } catch (err) {
        return err;
      }
    })();
    expect(isAffnetError(e, 'E_RUNTIME')).toBe(true);
  });

  it('stacking refuses an image of the wrong size', () => {
    expect(() => stackImages([{ data: new Float32Array(10) }], 64)).toThrow(/image 0 has 10 values; a 64×64×3 input needs 12288/);
  });

  it('camOnOriginal: the map on the original grid, normalised, NaN where the network did not look', () => {
    // A 2×2 map [1, 0; 0, 0] over a 64-px input that is the original scaled by ½ (a 128×128 original)
    // and shifted right by 32 input pixels: the original's left part is outside the input.
    const cam = { data: new Float32Array([1, 0, 0, 0]), shape: [1, 2, 2] as [number, number, number] };
    const transform = [0.5, 0, 32, 0, 0.5, 0] as [number, number, number, number, number, number];
    const map = camOnOriginal(cam, transform, 128, 128, 64);
    expect(map).toHaveLength(128 * 128);
    // original (70, 0) → input (67, 0): right of the 64-px input: unseen
    expect(Number.isNaN(map[70]!)).toBe(true);
    // original (0, 0) → input (32, 0): map x = (32 + ½)·2/64 − ½ = 0.515625, so 1 − 0.515625 of cell (0, 0)
    expect(map[0]).toBeCloseTo(0.484375, 6);
    // original (0, 127) → input (32, 63.5)... bottom row: cells (·, 1) are 0
    expect(map[127 * 128]).toBeCloseTo(0, 5);
  });
});
