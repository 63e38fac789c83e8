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

describe('exported model structure', () => {
  const graph = TINY_GRAPHS['conv + batch norm (folded)']!;
  const weights = randomWeights(graph, 3);

  it.each([
    [
      'dynamic batch, NHWC',
      {},
      ['batch', 8, 8, 3],
      [
        ['probabilities', ['batch', 3]],
        ['features', ['batch', 8, 8, 4]],
      ],
    ],
    [
      'fixed batch 4',
      { batch: 4 },
      [4, 8, 8, 3],
      [
        ['probabilities', [4, 3]],
        ['features', [4, 8, 8, 4]],
      ],
    ],
    [
      'NCHW input',
      { inputLayout: 'nchw' },
      ['batch', 3, 8, 8],
      [
        ['probabilities', ['batch', 3]],
        ['features', ['batch', 8, 8, 4]],
      ],
    ],
    ['logits only', { outputs: { probabilities: false, features: false, logits: 'logits' } }, ['batch', 8, 8, 3], [['logits', ['batch', 3]]]],
  ] as const)('%s', (_name, options, inputShape, outputs) => {
    const { info, model } = exportOnnx(graph, weights, options as never);
    expect(info.inputShape).toEqual(inputShape);
    expect(info.outputs.map((o) => [o.name, o.shape])).toEqual(outputs);
    expect(info.opset).toBe(17);
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    const nodeNames = model.graph!.node!.map((n) => n.name);
    expect(new Set(nodeNames).size).toBe(nodeNames.length);
    const tensors = [...model.graph!.initializer!.map((t) => t.name), ...model.graph!.node!.flatMap((n) => n.output)];
    expect(new Set(tensors).size).toBe(tensors.length);
  });

  it('folds the batch norm into the conv: one Conv, no BatchNormalization', () => {
    const { info, model } = exportOnnx(graph, weights);
    const ops = model.graph!.node!.map((n) => n.opType);
    expect(info.foldedBatchNorms).toBe(1);
    expect(ops.filter((o) => o === 'BatchNormalization')).toHaveLength(0);
    const unfolded = exportOnnx(graph, weights, { foldBatchNorm: false });
    expect(unfolded.info.foldedBatchNorms).toBe(0);
    expect(unfolded.model.graph!.node!.map((n) => n.opType)).toContain('BatchNormalization');
  });

  it('uses explicit pads, never auto_pad', () => {
    const { model } = exportOnnx(TINY_GRAPHS['conv same stride 2, even input (pads bottom/right)']!, randomWeights(TINY_GRAPHS['conv same stride 2, even input (pads bottom/right)']!, 1));
    const conv = model.graph!.node!.find((n) => n.opType === 'Conv')!;
    expect(conv.attribute!.map((a) => a.name)).not.toContain('auto_pad');
    expect(conv.attribute!.find((a) => a.name === 'pads')!.ints).toEqual([0, 0, 1, 1]);
  });

  it.each([
    ['a missing weight', (w: Map<string, unknown>) => w.delete('c1/kernel'), 'E_BUNDLE_INVALID', /missing 1 weight\(s\): c1\/kernel/],
    ['a wrongly shaped weight', (w: Map<string, unknown>) => w.set('c1/bias', { shape: [3], data: new Float32Array(3) }), 'E_BUNDLE_INVALID', /c1\/bias is \[3\], expected \[4\]/],
    ['a NaN weight', (w: Map<string, unknown>) => w.set('bn1/gamma', { shape: [4], data: new Float32Array([1, NaN, 1, 1]) }), 'E_BUNDLE_INVALID', /non-finite values .* bn1\/gamma/],
  ])('refuses %s', (_name, spoil, code, message) => {
    const w = new Map(weights);
    spoil(w as Map<string, unknown>);
    expect(() => exportOnnx(graph, w)).toThrowError(message);
    try {
      exportOnnx(graph, w);
    } catch (e) {
      expect((e as { code: string }).code).toBe(code);
    }
  });

  it.each([
    ['batch 0', { batch: 0 }, /batch: 0 is not valid/],
    ['layout', { inputLayout: 'hwcn' }, /inputLayout: unknown value "hwcn".*Available: nhwc, nchw/],
    ['no outputs', { outputs: { probabilities: false, features: false } }, /at least one of probabilities, features, logits/],
    ['name clash', { inputName: 'features' }, /names must differ/],
  ])('rejects option %s', (_name, options, message) => {
    expect(() => exportOnnx(graph, weights, options as never)).toThrowError(message);
  });
});
