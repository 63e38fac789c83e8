/**
 * InceptionV3 (Szegedy et al. 2016, "Rethinking the Inception Architecture for Computer Vision"),
 * described exactly as Keras Applications builds it (keras/applications/inception_v3.py): every
 * convolution is `conv2d_bn` = Conv2D(use_bias=False) → BatchNormalization(scale=False, epsilon 1e-3,
 * the Keras default) → ReLU.
 *
 * Layer names are the Keras 2 automatic names, numbered from 1 in creation order as in the original
 * ImageNet H5 weight files and in Keras 2.0–2.2 models (`conv2d_1 … conv2d_94`,
 * `batch_normalization_1 … 94`, `activation_1 … 94`, `max_pooling2d_1 … 4`,
 * `average_pooling2d_1 … 9`, `concatenate_1 … 2`), plus the named concatenations `mixed0 … mixed10`,
 * `mixed9_0`, `mixed9_1`. Creation order differs from topological order (e.g. in mixed0 the 1×1 branch
 * is created first), which the numbering below follows. Later tf.keras versions number from 0
 * (`conv2d`, `conv2d_1`, …); the weight importer can shift those names.
 *
 * Blocks: `stem` (conv2d_1 … conv2d_5 and the two max poolings), `mixed0 … mixed10`, `head`.
 * The features for CAM are `mixed10`. Valid input sizes start at 75 px (Keras's minimum).
 */
import { GraphBuilder } from './builder.js';
import type { NetworkGraph, Padding } from './graph.js';

/** Keras BatchNormalization default epsilon, used by inception_v3.py's conv2d_bn. */
export const INCEPTION_BN_EPSILON = 1e-3;

type Conv = (input: string, filters: number, rows: number, cols: number, options?: { strides?: number; padding?: Padding }) => string;

function conv2dBn(g: GraphBuilder): Conv {
  return (input, filters, rows, cols, options = {}) => {
    const s = options.strides ?? 1;
    const conv = g.conv(g.autoName('conv2d'), input, filters, [rows, cols], {
      strides: [s, s],
      padding: options.padding ?? 'same',
      useBias: false,
    });
    const bn = g.batchNorm(g.autoName('batch_normalization'), conv, INCEPTION_BN_EPSILON, false);
    return g.relu(g.autoName('activation'), bn);
  };
}

function concat(g: GraphBuilder, name: string, inputs: string[]): string {
  return g.add({ op: 'concat', name, inputs, axis: -1 });
}

/** 3×3 average pooling, stride 1, 'same': the pool branch of the A/B/C modules. */
function avgPoolBranch(g: GraphBuilder, x: string): string {
  return g.pool('avgpool', g.autoName('average_pooling2d'), x, 3, 1, 'same');
}

function maxPool3s2(g: GraphBuilder, x: string): string {
  return g.pool('maxpool', g.autoName('max_pooling2d'), x, 3, 2, 'valid');
}

/** mixed0 … mixed2: 35×35 modules (Szegedy et al. 2016, fig. 5). */
function moduleA(g: GraphBuilder, cb: Conv, x: string, poolFilters: number, name: string): string {
  const b1 = cb(x, 64, 1, 1);
  let b5 = cb(x, 48, 1, 1);
  b5 = cb(b5, 64, 5, 5);
  let b3 = cb(x, 64, 1, 1);
  b3 = cb(b3, 96, 3, 3);
  b3 = cb(b3, 96, 3, 3);
  const bp = cb(avgPoolBranch(g, x), poolFilters, 1, 1);
  return concat(g, name, [b1, b5, b3, bp]);
}

/** mixed4 … mixed7: 17×17 modules with factorised 7×7 convolutions (fig. 6). */
function moduleB(g: GraphBuilder, cb: Conv, x: string, c7: number, name: string): string {
  const b1 = cb(x, 192, 1, 1);
  let b7 = cb(x, c7, 1, 1);
  b7 = cb(b7, c7, 1, 7);
  b7 = cb(b7, 192, 7, 1);
  let bd = cb(x, c7, 1, 1);
  bd = cb(bd, c7, 7, 1);
  bd = cb(bd, c7, 1, 7);
  bd = cb(bd, c7, 7, 1);
  bd = cb(bd, 192, 1, 7);
  const bp = cb(avgPoolBranch(g, x), 192, 1, 1);
  return concat(g, name, [b1, b7, bd, bp]);
}

/** mixed9, mixed10: 8×8 modules with expanded filter banks (fig. 7). */
function moduleC(g: GraphBuilder, cb: Conv, x: string, i: number): string {
  const b1 = cb(x, 320, 1, 1);
  const b3 = cb(x, 384, 1, 1);
  const b3a = cb(b3, 384, 1, 3);
  const b3b = cb(b3, 384, 3, 1);
  const b3cat = concat(g, `mixed9_${i}`, [b3a, b3b]);
  let bd = cb(x, 448, 1, 1);
  bd = cb(bd, 384, 3, 3);
  const bda = cb(bd, 384, 1, 3);
  const bdb = cb(bd, 384, 3, 1);
  const bdcat = concat(g, g.autoName('concatenate'), [bda, bdb]);
  const bp = cb(avgPoolBranch(g, x), 192, 1, 1);
  return concat(g, `mixed${9 + i}`, [b1, b3cat, bdcat, bp]);
}

export function buildInceptionV3(inputSize: number, numClasses: number): NetworkGraph {
  const g = new GraphBuilder('inception_v3', inputSize, 'stem');
  const cb = conv2dBn(g);

  let x = cb('input_1', 32, 3, 3, { strides: 2, padding: 'valid' });
  x = cb(x, 32, 3, 3, { padding: 'valid' });
  x = cb(x, 64, 3, 3);
  x = maxPool3s2(g, x);
  x = cb(x, 80, 1, 1, { padding: 'valid' });
  x = cb(x, 192, 3, 3, { padding: 'valid' });
  x = maxPool3s2(g, x);

  [32, 64, 64].forEach((poolFilters, i) => {
    g.setBlock(`mixed${i}`);
    x = moduleA(g, cb, x, poolFilters, `mixed${i}`);
  });

  // mixed3: grid reduction 35 → 17 (fig. 10).
  g.setBlock('mixed3');
  const r3 = cb(x, 384, 3, 3, { strides: 2, padding: 'valid' });
  let r3d = cb(x, 64, 1, 1);
  r3d = cb(r3d, 96, 3, 3);
  r3d = cb(r3d, 96, 3, 3, { strides: 2, padding: 'valid' });
  x = concat(g, 'mixed3', [r3, r3d, maxPool3s2(g, x)]);

  [128, 160, 160, 192].forEach((c7, i) => {
    g.setBlock(`mixed${4 + i}`);
    x = moduleB(g, cb, x, c7, `mixed${4 + i}`);
  });

  // mixed8: grid reduction 17 → 8.
  g.setBlock('mixed8');
  let r8 = cb(x, 192, 1, 1);
  r8 = cb(r8, 320, 3, 3, { strides: 2, padding: 'valid' });
  let r8d = cb(x, 192, 1, 1);
  r8d = cb(r8d, 192, 1, 7);
  r8d = cb(r8d, 192, 7, 1);
  r8d = cb(r8d, 192, 3, 3, { strides: 2, padding: 'valid' });
  x = concat(g, 'mixed8', [r8, r8d, maxPool3s2(g, x)]);

  for (const i of [0, 1]) {
    g.setBlock(`mixed${9 + i}`);
    x = moduleC(g, cb, x, i);
  }
  return g.finish(x, numClasses);
}
