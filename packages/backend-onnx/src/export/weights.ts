/**
 * Internal: reads Keras-layout weights by `${layer}/${weight}` name and rewrites them into ONNX layouts (conv kernel [kh, kw, cin, cout] →
 * [cout, cin, kh, kw]; dense kernel [in, out] stays, as Gemm's B with transB = 0).
 */
import { AffnetError } from '@affnet/core';

export type WeightMap = Map<string, { shape: number[]; data: Float32Array }>;

export function getWeight(weights: WeightMap, layer: string, weight: string): Float32Array {
  const w = weights.get(`${layer}/${weight}`);
  if (!w) throw new AffnetError('E_WEIGHTS_MISMATCH', `weight "${layer}/${weight}" is missing`);
  return w.data;
}

/** Keras conv kernel [kh, kw, cin, cout] → ONNX Conv W [cout, cin, kh, kw]. */
export function convKernelToOihw(kernel: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++) {
        const src = ((y * kw + x) * cin + i) * cout;
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = kernel[src + o]!;
      }
  return out;
}

export interface BatchNormParams {
  gamma?: Float32Array;
  beta?: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/**
 * Folds y = γ·(x − μ)/√(σ² + ε) + β into the conv before it (W in [cout, …] layout, per output
 * channel). Arithmetic in float64, stored as float32.
 */
export function foldBatchNorm(w: Float32Array, bias: Float32Array | undefined, bn: BatchNormParams, cout: number): { w: Float32Array; b: Float32Array } {
  const per = w.length / cout;
  const wOut = new Float32Array(w.length);
  const bOut = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const s = (bn.gamma ? bn.gamma[o]! : 1) / Math.sqrt(bn.variance[o]! + bn.epsilon);
    for (let j = 0; j < per; j++) wOut[o * per + j] = w[o * per + j]! * s;
    bOut[o] = ((bias ? bias[o]! : 0) - bn.mean[o]!) * s + (bn.beta ? bn.beta[o]! : 0);
  }
  return { w: wOut, b: bOut };
}
