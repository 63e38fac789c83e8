/**
 * Static int8 quantisation in the QDQ format (ONNX Runtime docs, "Quantize ONNX models", QDQ
 * format): QuantizeLinear → DequantizeLinear pairs on the activations that feed convolutions,
 * pooling, additions and concatenations, and int8 weights behind DequantizeLinear. ONNX Runtime
 * (graph optimisation ≥ 'extended') fuses DQ → Conv → Q into QLinearConv, DQ → Add → Q into
 * QLinearAdd, and so on; the model stays a valid float model for any other runtime.
 *
 * - Weights: symmetric int8, one scale per output channel (axis 0 of Conv W, axis 1 of Gemm B),
 *   in the 7-bit range [−63, 63] by default (scale = max|w| / 63; ORT's `reduce_range`). Why: on
 *   x86 CPUs without VNNI (AVX2 only, e.g. AMD EPYC Rome/Milan), ONNX Runtime's u8·s8 GEMM uses
 *   VPMADDUBSW, which adds two u8·s8 products in a saturating int16. With 8-bit weights a pair can
 *   reach 2·255·127 = 64770 > 32767 and saturates, so the same model drifts on those CPUs (max |Δp|
 *   0.098 on the test network below, 0.27 on a trained VGG19) and not on VNNI CPUs, whose
 *   VPDPBUSD sums in int32. With 7-bit weights a pair is at most 2·255·63 = 32130: exact on both,
 *   and the integer results are identical across ISAs. `weightBits: 8` gives the full range for
 *   deployments known to run on VNNI / AMX / Arm dot-product CPUs only.
 * - Bias: int32 with scale = s_input · s_weight[c], zero point 0, the form QLinearConv takes.
 * - Activations: asymmetric uint8 from calibrated ranges (see ranges.ts). A ReLU output has
 *   min 0, so its zero point is 0 and ONNX Runtime drops the ReLU into the quantisation.
 *   Max pooling keeps its input's parameters (the max of values in a range stays in it), which
 *   lets the runtime run it directly on uint8.
 */
import { AffnetError, type ImageBatch } from '@affnet/core';
import { DataType, floatData, onnx, tensor, type ModelProto, type NodeProto, type TensorProto } from '../proto/onnx.js';
import { validateModel } from '../export/validate.js';
import { collectRanges, type CalibrationMethod } from './calibrate.js';
import { uint8Params } from './ranges.js';

export interface QuantizeOptions {
  /** Preprocessed training images (NHWC, as core's pathway gives them). */
  calibration: ImageBatch[];
  /** @defaultValue 'percentile' */
  method?: CalibrationMethod;
  /** Share of values kept inside the range, per tail, for the percentile method (99.99 kept more labels than 99.999 on the parity test networks). @defaultValue 99.99 */
  percentile?: number;
  /** Quantise the dense head too (tiny; kept float by default for accuracy). @defaultValue false */
  quantizeDense?: boolean;
  /**
   * Weight range: 7 bits ([−63, 63], exact on every x86 int8 kernel) or 8 bits ([−127, 127], exact
   * only on CPUs with an int8 dot product; drifts on AVX2-only CPUs). See the file header. @defaultValue 7
   */
  weightBits?: 7 | 8;
  intraOpNumThreads?: number;
}

export interface QuantizeReport {
  method: CalibrationMethod;
  percentile?: number;
  calibrationImages: number;
  quantizedWeights: number;
  quantizedActivations: number;
  weightBits: 7 | 8;
  /** The scheme in words, as written into the model's metadata (`affnet.int8`). */
  scheme: string;
}

/** Bumped whenever the quantiser writes different bytes for the same options (export cache keys hold it). */
export const QUANTIZER_VERSION = 2;

/** The metadata key of an int8 model's quantisation record (JSON of {@link QuantizeReport}). */
export const INT8_METADATA_KEY = 'affnet.int8';

export function describeScheme(weightBits: 7 | 8): string {
  return weightBits === 7
    ? 'activations uint8 asymmetric per tensor; weights int8 symmetric per output channel in 7 bits [-63, 63] (u8·s8 pair sums fit int16: exact on AVX2-only and VNNI CPUs alike)'
    : 'activations uint8 asymmetric per tensor; weights int8 symmetric per output channel in 8 bits [-127, 127] (exact on CPUs with an int8 dot product: VNNI, AMX, Arm DOTPROD; u8·s8 pair sums can saturate int16 on AVX2-only CPUs)';
}

/** The quantisation record of an int8 model read from its metadata, or undefined (not an affnet int8 export, or written before the record existed). */
export function readInt8Metadata(model: ModelProto): Partial<QuantizeReport> | undefined {
  const prop = (model.metadataProps ?? []).find((p) => p.key === INT8_METADATA_KEY);
  if (!prop?.value) return undefined;
  try {
    return JSON.parse(prop.value) as Partial<QuantizeReport>;
  } catch {
    return undefined;
  }
}

const ACTIVATION_OPS = new Set(['Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Concat']);

function quantizeWeights(w: Float32Array, channels: number, axis: 0 | 1, qmax: number) {
  const per = w.length / channels;
  const scale = new Float32Array(channels);
  const q = new Int8Array(w.length);
  const index = (c: number, j: number) => (axis === 0 ? c * per + j : j * channels + c);
  for (let c = 0; c < channels; c++) {
    let m = 0;
    for (let j = 0; j < per; j++) m = Math.max(m, Math.abs(w[index(c, j)]!));
    const s = m > 0 ? m / qmax : 1;
    scale[c] = s;
    for (let j = 0; j < per; j++) q[index(c, j)] = Math.max(-qmax, Math.min(qmax, Math.round(w[index(c, j)]! / s)));
  }
  return { q, scale };
}

export async function quantizeQdq(model: ModelProto, options: QuantizeOptions): Promise<{ model: ModelProto; report: QuantizeReport }> {
  const g = model.graph!;
  const method = options.method ?? 'percentile';
  const percentile = options.percentile ?? 99.99;
  const weightBits = options.weightBits ?? 7;
  if (weightBits !== 7 && weightBits !== 8) {
    throw new AffnetError('E_OPTION_INVALID', `weightBits: unknown value "${String(weightBits)}". Available: 7 (default, exact on every x86 CPU), 8`);
  }
  const qmax = weightBits === 7 ? 63 : 127;
  const inits = new Map((g.initializer ?? []).map((t) => [t.name!, t]));
  const isWeightOp = (n: NodeProto) => n.opType === 'Conv' || (options.quantizeDense === true && n.opType === 'Gemm');
  const quantizable = (n: NodeProto) => ACTIVATION_OPS.has(n.opType!) || isWeightOp(n);
  const dataInputs = (n: NodeProto) => (isWeightOp(n) ? [n.input![0]!] : (n.input ?? [])).filter((i) => i !== '' && !inits.has(i));

  const activations: string[] = [];
  for (const n of g.node ?? []) if (quantizable(n)) for (const i of dataInputs(n)) if (!activations.includes(i)) activations.push(i);
  const stats = await collectRanges(model, activations, options.calibration, method, { intraOpNumThreads: options.intraOpNumThreads });
  const params = new Map<string, { scale: number; zeroPoint: number }>();
  for (const t of activations) {
    const s = stats.get(t)!;
    const [lo, hi] = method === 'percentile' ? s.percentileRange(percentile) : [s.min, s.max];
    params.set(t, uint8Params(lo, hi));
  }
  for (const n of g.node ?? []) {
    const out = n.output![0]!;
    if (n.opType === 'MaxPool' && params.has(out) && params.has(n.input![0]!)) params.set(out, params.get(n.input![0]!)!);
  }

  const initializers: TensorProto[] = [];
  const replaced = new Set<string>();
  const nodes: NodeProto[] = [];
  const used = new Set<string>([...(g.input ?? []).map((i) => i.name!), ...(g.initializer ?? []).map((i) => i.name!), ...(g.node ?? []).flatMap((n) => [...(n.output ?? []), n.name ?? ''])]);
  const unique = (base: string) => {
    let n = base;
    for (let i = 1; used.has(n); i++) n = `${base}_${i}`;
    used.add(n);
    return n;
  };
  const dq = new Map(activations.map((t) => [t, unique(`${t}/dq`)]));
  const init = (base: string, type: number, dims: number[], data: ArrayBufferView) => {
    const t = tensor(unique(base), type as 1, dims, data);
    initializers.push(t);
    return t.name!;
  };
  const qdq = (t: string) => {
    const p = params.get(t)!;
    const scale = init(`${t}/act_scale`, DataType.FLOAT, [], new Float32Array([p.scale]));
    const zp = init(`${t}/act_zero_point`, DataType.UINT8, [], new Uint8Array([p.zeroPoint]));
    const q = unique(`${t}/q`);
    nodes.push(
      { name: unique(`${t}/QuantizeLinear`), opType: 'QuantizeLinear', input: [t, scale, zp], output: [q] },
      { name: unique(`${t}/DequantizeLinear`), opType: 'DequantizeLinear', input: [q, scale, zp], output: [dq.get(t)!] },
    );
  };
  const deq = (name: string, data: ArrayBufferView, type: number, dims: number[], scale: Float32Array, zp: ArrayBufferView, zpType: number, axis: number) => {
    const out = unique(`${name}/dq`);
    nodes.push({
      name: unique(`${name}/DequantizeLinear`),
      opType: 'DequantizeLinear',
      input: [init(`${name}/quantized`, type, dims, data), init(`${name}/scale`, DataType.FLOAT, [scale.length], scale), init(`${name}/zero_point`, zpType, [scale.length], zp)],
      output: [out],
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }],
    });
    return out;
  };

  let quantizedWeights = 0;
  for (const i of g.input ?? []) if (params.has(i.name!)) qdq(i.name!);
  for (const n of g.node ?? []) {
    const input = (n.input ?? []).map((i) => dq.get(i) ?? i);
    if (isWeightOp(n) && params.has(n.input![0]!)) {
      const wName = n.input![1]!;
      const w = inits.get(wName)!;
      const dims = (w.dims ?? []).map(Number);
      const axis = n.opType === 'Conv' ? 0 : 1;
      const channels = dims[axis]!;
      const { q, scale } = quantizeWeights(floatData(w), channels, axis, qmax);
      input[1] = deq(wName, q, DataType.INT8, dims, scale, new Int8Array(channels), DataType.INT8, axis);
      replaced.add(wName);
      const bName = n.input![2];
      if (bName && inits.has(bName)) {
        const sIn = params.get(n.input![0]!)!.scale;
        const b = floatData(inits.get(bName)!);
        const bScale = scale.map((s) => s * sIn);
        const bq = Int32Array.from(b, (v, c) => Math.max(-2147483647, Math.min(2147483647, Math.round(v / bScale[c]!))));
        input[2] = deq(bName, bq, DataType.INT32, [channels], bScale, new Int32Array(channels), DataType.INT32, 0);
        replaced.add(bName);
      }
      quantizedWeights++;
    }
    nodes.push({ ...n, input });
    for (const o of n.output ?? []) if (params.has(o)) qdq(o);
  }
  const outputs = new Set((g.output ?? []).map((o) => o.name!));
  for (const t of activations) if (outputs.has(t)) throw new Error(`internal: graph output "${t}" cannot be quantised in place`);
  const report: QuantizeReport = {
    method,
    ...(method === 'percentile' ? { percentile } : {}),
    calibrationImages: options.calibration.reduce((a, b) => a + b.shape[0], 0),
    quantizedWeights,
    quantizedActivations: activations.length,
    weightBits,
    scheme: describeScheme(weightBits),
  };
  const out: ModelProto = {
    ...model,
    metadataProps: [...(model.metadataProps ?? []).filter((p) => p.key !== INT8_METADATA_KEY), { key: INT8_METADATA_KEY, value: JSON.stringify(report) }],
    graph: { ...g, node: nodes, initializer: [...(g.initializer ?? []).filter((t) => !replaced.has(t.name!)), ...initializers] },
  };
  validateModel(out);
  return { model: out, report };
}
