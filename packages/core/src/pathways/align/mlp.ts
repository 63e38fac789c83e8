/**
 * A one-hidden-layer perceptron for the aligner's per-pixel maps: inputs standardised, ReLU hidden
 * layer, one sigmoid per output, trained with Adam on a weighted binary cross-entropy with soft
 * targets. Small enough (a few thousand weights) to run in plain TypeScript on every runtime alike
 * and to travel as JSON in a bundle. Seeded: the same samples and seed give the same weights.
 */
import { createRng } from '../../augment/rng.js';

export interface MlpWeights {
  inputs: number;
  hidden: number;
  outputs: number;
  /** Per-input standardisation. */
  mean: number[];
  sd: number[];
  /** [hidden][inputs], row-major. */
  w1: number[];
  b1: number[];
  /** [outputs][hidden], row-major. */
  w2: number[];
  b2: number[];
}

export interface MlpTrainOptions {
  hidden: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  l2: number;
  seed: number;
  /** Continue from these weights (and their standardisation) instead of a fresh start. */
  init?: MlpWeights;
}

/**
 * @param x - samples × inputs, row-major
 * @param t - samples × outputs soft targets in [0, 1]
 * @param w - samples × outputs loss weights (0 leaves an output out for that sample)
 */
export function trainMlp(x: Float32Array, t: Float32Array, w: Float32Array, inputs: number, outputs: number, o: MlpTrainOptions): MlpWeights {
  const n = x.length / inputs;
  const rng = createRng(o.seed);
  const mean = new Float64Array(inputs);
  const sd = new Float64Array(inputs);
  if (o.init) {
    mean.set(o.init.mean);
    sd.set(o.init.sd);
  } else {
    for (let i = 0; i < n; i++) for (let j = 0; j < inputs; j++) mean[j]! += x[i * inputs + j]!;
    for (let j = 0; j < inputs; j++) mean[j]! /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < inputs; j++) sd[j]! += (x[i * inputs + j]! - mean[j]!) ** 2;
    for (let j = 0; j < inputs; j++) sd[j] = Math.sqrt(sd[j]! / n) || 1;
  }
  const xs = new Float32Array(x.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < inputs; j++) xs[i * inputs + j] = (x[i * inputs + j]! - mean[j]!) / sd[j]!;
  const H = o.hidden;
  const params = new Float32Array(H * inputs + H + outputs * H + outputs);
  const w1 = params.subarray(0, H * inputs);
  const b1 = params.subarray(H * inputs, H * inputs + H);
  const w2 = params.subarray(H * inputs + H, H * inputs + H + outputs * H);
  const b2 = params.subarray(H * inputs + H + outputs * H);
  if (o.init) {
    w1.set(o.init.w1);
    b1.set(o.init.b1);
    w2.set(o.init.w2);
    b2.set(o.init.b2);
  } else {
    const s1 = Math.sqrt(2 / inputs);
    for (let i = 0; i < w1.length; i++) w1[i] = rng.normal(0, s1);
    const s2 = Math.sqrt(1 / H);
    for (let i = 0; i < w2.length; i++) w2[i] = rng.normal(0, s2);
  }
  const grad = new Float32Array(params.length);
  const g1 = grad.subarray(0, H * inputs);
  const gb1 = grad.subarray(H * inputs, H * inputs + H);
  const g2 = grad.subarray(H * inputs + H, H * inputs + H + outputs * H);
  const gb2 = grad.subarray(H * inputs + H + outputs * H);
  const m = new Float32Array(params.length);
  const v = new Float32Array(params.length);
  const order = Array.from({ length: n }, (_, i) => i);
  const h = new Float32Array(H);
  const dh = new Float32Array(H);
  let step = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < n; start += o.batchSize) {
      const end = Math.min(n, start + o.batchSize);
      grad.fill(0);
      let weightSum = 0;
      for (let bi = start; bi < end; bi++) {
        const i = order[bi]!;
        const xi = i * inputs;
        for (let k = 0; k < H; k++) {
          let s = b1[k]!;
          const wk = k * inputs;
          for (let j = 0; j < inputs; j++) s += w1[wk + j]! * xs[xi + j]!;
          h[k] = s > 0 ? s : 0;
        }
        dh.fill(0);
        for (let q = 0; q < outputs; q++) {
          const wq = w[i * outputs + q]!;
          if (wq === 0) continue;
          weightSum += wq;
          let z = b2[q]!;
          for (let k = 0; k < H; k++) z += w2[q * H + k]! * h[k]!;
          const p = 1 / (1 + Math.exp(-z));
          const dz = wq * (p - t[i * outputs + q]!);
          gb2[q]! += dz;
          for (let k = 0; k < H; k++) {
            g2[q * H + k]! += dz * h[k]!;
            dh[k]! += dz * w2[q * H + k]!;
          }
        }
        for (let k = 0; k < H; k++) {
          if (h[k]! <= 0 || dh[k] === 0) continue;
          const d = dh[k]!;
          gb1[k]! += d;
          const wk = k * inputs;
          for (let j = 0; j < inputs; j++) g1[wk + j]! += d * xs[xi + j]!;
        }
      }
      if (weightSum === 0) continue;
      step++;
      const lrT = (o.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (let p = 0; p < params.length; p++) {
        const g = grad[p]! / weightSum + (p < H * inputs || (p >= H * inputs + H && p < H * inputs + H + outputs * H) ? o.l2 * params[p]! : 0);
        m[p] = beta1 * m[p]! + (1 - beta1) * g;
        v[p] = beta2 * v[p]! + (1 - beta2) * g * g;
        params[p]! -= (lrT * m[p]!) / (Math.sqrt(v[p]!) + 1e-8);
      }
    }
  }
  return { inputs, hidden: H, outputs, mean: [...mean], sd: [...sd], w1: [...w1], b1: [...b1], w2: [...w2], b2: [...b2] };
}

/** Probabilities for `n` pixels of features (pixel-major): `outputs` maps of n values each. */
export function runMlp(m: MlpWeights, x: Float32Array): Float32Array[] {
  const { inputs, hidden: H, outputs } = m;
  const n = x.length / inputs;
  const maps = Array.from({ length: outputs }, () => new Float32Array(n));
  const w1 = Float32Array.from(m.w1);
  const w2 = Float32Array.from(m.w2);
  // Fold the standardisation into the first layer.
  const w1s = new Float32Array(w1.length);
  const b1s = Float32Array.from(m.b1);
  for (let k = 0; k < H; k++) {
    for (let j = 0; j < inputs; j++) {
      w1s[k * inputs + j] = w1[k * inputs + j]! / m.sd[j]!;
      b1s[k]! -= (w1[k * inputs + j]! * m.mean[j]!) / m.sd[j]!;
    }
  }
  const h = new Float32Array(H);
  for (let i = 0; i < n; i++) {
    const xi = i * inputs;
    for (let k = 0; k < H; k++) {
      let s = b1s[k]!;
      const wk = k * inputs;
      for (let j = 0; j < inputs; j++) s += w1s[wk + j]! * x[xi + j]!;
      h[k] = s > 0 ? s : 0;
    }
    for (let q = 0; q < outputs; q++) {
      let z = m.b2[q]!;
      for (let k = 0; k < H; k++) z += w2[q * H + k]! * h[k]!;
      maps[q]![i] = 1 / (1 + Math.exp(-z));
    }
  }
  return maps;
}
