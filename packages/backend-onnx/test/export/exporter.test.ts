import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/export/exporter.js';
import { TINY_GRAPHS } from '../helpers/graphs.js';
import { runOnnx, maxAbsDiff } from '../helpers/ort.js';
import { randomImages, randomWeights } from '../helpers/random.js';
import { referenceForward } from '../helpers/reference.js';

describe('exportOnnx on one small graph per feature, against a float64 Keras-semantics reference', () => {
  it.each(Object.entries(TINY_GRAPHS))('%s', async (_name, graph) => {
    const size = (graph.nodes[0] as { shape: number[] }).shape[0]!;
    const weights = randomWeights(graph, 7);
    const batch = 2;
    const images = randomImages(batch, size, 11);
    const { bytes } = exportOnnx(graph, weights);
    const out = await runOnnx(bytes, { input: { data: images, dims: [batch, size, size, 3] } });
    const px = size * size * 3;
    for (let b = 0; b < batch; b++) {
      const ref = referenceForward(graph, weights, images.subarray(b * px, (b + 1) * px));
      const p = ref.get(graph.outputs.probabilities)!;
      const f = ref.get(graph.outputs.features)!;
      expect(maxAbsDiff(out.probabilities!.data.subarray(b * p.data.length, (b + 1) * p.data.length), p.data)).toBeLessThan(1e-5);
      expect(maxAbsDiff(out.features!.data.subarray(b * f.data.length, (b + 1) * f.data.length), f.data)).toBeLessThan(1e-4);
      expect(out.features!.dims).toEqual([batch, ...f.shape]);
    }
  });
});
