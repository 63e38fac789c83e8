/** Seeded test data: weights for any graph (non-trivial batch-norm statistics) and images. */
import { weightSpecs, type NetworkGraph } from '@affnet/core';

/** mulberry32: a tiny seeded generator, enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Weights = Map<string, { shape: number[]; data: Float32Array }>;

/**
 * He-uniform kernels (fan-in scaled, so activations keep their size through deep nets), small
 * biases, and batch-norm statistics far from the identity (γ ∈ [0.5, 1.5], β ∈ ±0.3,
 * μ ∈ ±0.3, σ² ∈ [0.5, 2]) so that folding errors would show.
 */
export function randomWeights(graph: NetworkGraph, seed: number): Weights {
  const r = rng(seed);
  const u = (a: number, b: number) => a + (b - a) * r();
  const out: Weights = new Map();
  for (const spec of weightSpecs(graph)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const fanIn = spec.shape.length === 4 ? spec.shape[0]! * spec.shape[1]! * spec.shape[2]! : spec.shape[0]!;
    const lim = Math.sqrt(6 / fanIn);
    for (let i = 0; i < n; i++) {
      switch (spec.weight) {
        case 'kernel':
          data[i] = u(-lim, lim);
          break;
        case 'bias':
          data[i] = u(-0.1, 0.1);
          break;
        case 'gamma':
          data[i] = u(0.5, 1.5);
          break;
        case 'beta':
          data[i] = u(-0.3, 0.3);
          break;
        case 'moving_mean':
          data[i] = u(-0.3, 0.3);
          break;
        case 'moving_variance':
          data[i] = u(0.5, 2);
          break;
      }
    }
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}

/** A batch of smooth random images (sums of a few blobs, z-scored like core's pathway output). */
export function randomImages(n: number, size: number, seed: number): Float32Array {
  const r = rng(seed);
  const px = size * size;
  const out = new Float32Array(n * px * 3);
  for (let b = 0; b < n; b++) {
    const img = new Float64Array(px);
    for (let k = 0; k < 4; k++) {
      const cx = r() * size,
        cy = r() * size,
        s = (0.1 + 0.3 * r()) * size,
        a = r() * 2 - 1;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) img[y * size + x]! += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
    }
    for (let i = 0; i < px; i++) img[i]! += 0.05 * (r() - 0.5);
    const mean = img.reduce((a, v) => a + v, 0) / px;
    const sd = Math.sqrt(img.reduce((a, v) => a + (v - mean) ** 2, 0) / px) || 1;
    for (let i = 0; i < px; i++) for (let c = 0; c < 3; c++) out[(b * px + i) * 3 + c] = (img[i]! - mean) / sd;
  }
  return out;
}
