/**
 * Seeded initial weights for a network, with Keras's default initialisers (keras.layers.Conv2D and
 * Dense: kernel `glorot_uniform`, bias `zeros`; BatchNormalization: gamma ones, beta zeros,
 * moving_mean zeros, moving_variance ones). Keras Applications builds VGG19, ResNet and InceptionV3
 * with these defaults, so a randomly initialised core network starts as Keras's would.
 */
import { createRng } from '../augment/rng.js';
import { AffnetError } from '../errors.js';
import type { NetworkGraph, WeightSpec } from '../models/graph.js';
import { weightSpecs } from '../models/shapes.js';
import type { WeightMap } from './safetensors.js';

/**
 * - `glorot_uniform` (Glorot & Bengio 2010): U(−l, l), l = √(6 / (fan_in + fan_out)); the Keras default.
 * - `he_normal` (He et al. 2015, "Delving Deep into Rectifiers"): normal truncated at 2 sd with
 *   sd = √(2 / fan_in) / 0.87962566103423978, as Keras VarianceScaling(2, 'fan_in', 'truncated_normal').
 */
export type KernelInitializer = 'glorot_uniform' | 'he_normal';
export const KERNEL_INITIALIZERS: readonly KernelInitializer[] = ['glorot_uniform', 'he_normal'];

/** Std of a unit normal truncated to [−2, 2] (Keras's correction constant). */
const TRUNCATED_NORMAL_SD = 0.87962566103423978;

export interface InitOptions {
  /** @defaultValue "glorot_uniform" */
  kernelInitializer?: KernelInitializer;
}

/** Fan-in and fan-out of a kernel as Keras computes them: receptive field × channels. */
export function kernelFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape.at(-2)!, fanOut: receptive * shape.at(-1)! };
}

function fill(spec: WeightSpec, n: number): Float32Array {
  const out = new Float32Array(n);
  if (spec.weight === 'gamma' || spec.weight === 'moving_variance') out.fill(1);
  return out; // bias, beta, moving_mean: zeros
}

/**
 * Initial weights for every weight of `graph`, in {@link weightSpecs} order, drawn from one seeded
 * generator (same seed, same weights, on every platform).
 * @param seed - a safe integer
 * @throws AffnetError E_OPTION_INVALID for an unknown initialiser or an invalid seed
 */
export function initWeights(graph: NetworkGraph, seed: number, options: InitOptions = {}): WeightMap {
  const init = options.kernelInitializer ?? 'glorot_uniform';
  if (!KERNEL_INITIALIZERS.includes(init)) {
    throw new AffnetError('E_OPTION_INVALID', `kernelInitializer: unknown value "${init}". Available: ${KERNEL_INITIALIZERS.join(', ')}`);
  }
  const rng = createRng(seed);
  const weights: WeightMap = new Map();
  for (const spec of weightSpecs(graph)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.weight !== 'kernel') {
      weights.set(spec.name, { shape: [...spec.shape], data: fill(spec, n) });
      continue;
    }
    const { fanIn, fanOut } = kernelFans(spec.shape);
    const data = new Float32Array(n);
    if (init === 'glorot_uniform') {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) data[i] = rng.uniform(-limit, limit);
    } else {
      const sd = Math.sqrt(2 / fanIn) / TRUNCATED_NORMAL_SD;
      for (let i = 0; i < n; i++) {
        let z: number;
        do z = rng.normal();
        while (z < -2 || z > 2);
        data[i] = sd * z;
      }
    }
    weights.set(spec.name, { shape: [...spec.shape], data });
  }
  return weights;
}
