/**
 * Internal: collects activation ranges by running the float model on calibration images with ONNX
 * Runtime (CPU), the tensors to calibrate exposed as extra graph outputs.
 */
import { AffnetError, type ImageBatch } from '@affnet/core';
import * as ort from 'onnxruntime-node';
import { DataType, encodeModel, onnx, type ModelProto } from '../proto/onnx.js';
import { RangeStats } from './ranges.js';

export type CalibrationMethod = 'minmax' | 'percentile';

/** NHWC batches → the model's input layout ([N, 3, H, W] models get a transpose). */
function toModelLayout(batch: ImageBatch, nchw: boolean): { data: Float32Array; dims: number[] } {
  const [n, h, w, c] = batch.shape;
  if (!nchw) return { data: batch.data, dims: [n, h, w, c] };
  const out = new Float32Array(batch.data.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = batch.data[((b * h + y) * w + x) * c + k]!;
  return { data: out, dims: [n, c, h, w] };
}

export function modelInputIsNchw(model: ModelProto): boolean {
  const dims = model.graph!.input![0]!.type!.tensorType!.shape!.dim!;
  return Number(dims[1]?.dimValue ?? 0) === 3 && Number(dims[3]?.dimValue ?? 0) !== 3;
}

export async function collectRanges(
  model: ModelProto,
  tensors: string[],
  calibration: ImageBatch[],
  method: CalibrationMethod,
  options: { intraOpNumThreads?: number; batchSize?: number } = {},
): Promise<Map<string, RangeStats>> {
  if (calibration.length === 0 || calibration.every((b) => b.shape[0] === 0)) {
    throw new AffnetError('E_OPTION_INVALID', 'calibration: int8 quantisation needs at least one calibration image');
  }
  const g = model.graph!;
  const extra = tensors.filter((t) => !(g.output ?? []).some((o) => o.name === t));
  const probe: ModelProto = {
    ...model,
    graph: {
      ...g,
      output: [...(g.output ?? []), ...extra.map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT } } }))],
    },
  };
  const session = await ort.InferenceSession.create(encodeModel(probe), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'basic',
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  });
  const inputName = session.inputNames[0]!;
  const nchw = modelInputIsNchw(model);
  const stats = new Map(tensors.map((t) => [t, new RangeStats()]));
  const step = options.batchSize ?? 2;
  const slices = calibration.flatMap((batch) => {
    const [n, h, w, c] = batch.shape;
    const per = h * w * c;
    const out: ImageBatch[] = [];
    for (let i = 0; i < n; i += step) {
      const m = Math.min(step, n - i);
      out.push({ data: batch.data.subarray(i * per, (i + m) * per), shape: [m, h, w, c] });
    }
    return out;
  });
  const passes = method === 'percentile' ? 2 : 1;
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const slice of slices) {
        const { data, dims } = toModelLayout(slice, nchw);
        const result = await session.run({ [inputName]: new ort.Tensor('float32', data, dims) }, tensors);
        for (const t of tensors) {
          const values = result[t]!.data as Float32Array;
          if (pass === 0) stats.get(t)!.addMinMax(values);
          else stats.get(t)!.addHistogram(values);
          result[t]!.dispose();
        }
      }
    }
  } finally {
    await session.release();
  }
  return stats;
}
