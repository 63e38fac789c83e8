import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/export/exporter.js';
import { convertToFp16 } from '../../src/export/fp16.js';
import { floatToHalfBits, halfBitsToFloat } from '../../src/export/half.js';
import { DataType, encodeModel } from '../../src/proto/onnx.js';
import { TINY_GRAPHS } from '../helpers/graphs.js';
import { maxAbsDiff, runOnnx } from '../helpers/ort.js';
import { randomImages, randomWeights } from '../helpers/random.js';

describe('float → float16 bits (IEEE 754 binary16, round to nearest even)', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [65504, 0x7bff],
    [1e6, 0x7bff], // saturates instead of ∞
    [-3.4e38, 0xfbff],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -26, 0x0000], // below half of it
    [3 * 2 ** -26, 0x0001], // above half: rounds up
    [1 + 2 ** -11, 0x3c00], // tie → even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
    [-0, 0x8000],
    [Infinity, 0x7c00],
  ])('%d → 0x%s', (value, bits) => {
    expect(floatToHalfBits(value)).toBe(bits);
  });

  it.each([
    [0x3c00, 1],
    [0x0001, 2 ** -24],
    [0x7bff, 65504],
    [0xc000, -2],
  ])('0x%s → %d', (bits, value) => {
    expect(halfBitsToFloat(bits)).toBe(value);
  });
});

describe('convertToFp16', () => {
  const graph = TINY_GRAPHS['concat of three branches']!;
  const weights = randomWeights(graph, 5);
  const images = randomImages(2, 8, 6);
  const base = exportOnnx(graph, weights, { zscore: true });

  it.each(['weights', 'graph'] as const)('mode %s: float16 initializers, float32 input/outputs, close to fp32', async (mode) => {
    const model = convertToFp16(base.model, mode);
    const types = new Set(model.graph!.initializer!.map((t) => t.dataType));
    expect(types.has(DataType.FLOAT16)).toBe(true);
    // only the z-score ε (read by float32 nodes only) stays float32 in graph mode
    const float32 = model.graph!.initializer!.filter((t) => t.dataType === DataType.FLOAT).map((t) => t.name);
    expect(float32).toEqual(mode === 'graph' ? ['preprocess/epsilon'] : []);
    expect(model.graph!.input!.map((i) => i.type!.tensorType!.elemType)).toEqual([DataType.FLOAT]);
    expect(model.graph!.output!.map((o) => o.type!.tensorType!.elemType)).toEqual([DataType.FLOAT, DataType.FLOAT]);
    const feeds = { input: { data: images, dims: [2, 8, 8, 3] } };
    const ref = await runOnnx(base.bytes, feeds);
    const out = await runOnnx(encodeModel(model), feeds);
    expect(maxAbsDiff(out.probabilities!.data, ref.probabilities!.data)).toBeLessThan(2e-3);
    expect(maxAbsDiff(out.features!.data, ref.features!.data)).toBeLessThan(1e-2);
  });

  it('graph mode keeps Softmax and the z-score in float32', () => {
    const model = convertToFp16(base.model, 'graph');
    const nodes = model.graph!.node!;
    const softmax = nodes.find((n) => n.opType === 'Softmax')!;
    const cast = nodes.find((n) => n.output!.includes(softmax.input![0]!))!;
    expect(cast.opType).toBe('Cast');
    expect(cast.attribute![0]!.i).toBe(DataType.FLOAT);
    const firstFp16Cast = nodes.find((n) => n.opType === 'Cast' && Number(n.attribute![0]!.i) === DataType.FLOAT16)!;
    expect(firstFp16Cast.input).toEqual(['preprocess/zscore']);
  });
});
