import { it } from 'vitest';
import { exportOnnx } from '../../src/export/exporter.js';
import { convertToFp16 } from '../../src/export/fp16.js';
import { encodeModel } from '../../src/proto/onnx.js';
import { TINY_GRAPHS } from '../helpers/graphs.js';
import { runOnnx, maxAbsDiff } from '../helpers/ort.js';
import { randomImages, randomWeights } from '../helpers/random.js';
it('fp16', async () => {
  for (const [name, graph] of Object.entries(TINY_GRAPHS)) {
  const size = (graph.nodes[0] as any).shape[0];
  const weights = randomWeights(graph, 7);
  const images = randomImages(2, size, 11);
  const e = exportOnnx(graph, weights, {zscore: true});
  const ref = await runOnnx(e.bytes, { input: { data: images, dims: [2, size, size, 3] } });
  for (const mode of ['weights', 'graph'] as const) {
    try {
    const m = encodeModel(convertToFp16(e.model, mode));
    const out = await runOnnx(m, { input: { data: images, dims: [2, size, size, 3] } });
    console.log(name, mode, maxAbsDiff(out.probabilities!.data, ref.probabilities!.data), maxAbsDiff(out.features!.data, ref.features!.data));
    } catch (err) { console.log(name, mode, String(err).slice(0, 200)); }
  }
  }
});
