/**
 * `Conv2DBackpropFilter` for the WASM engine, which does not ship it (tfjs 4.22), so convolutional
 * networks cannot train there. Built only from kernels WASM has, so XNNPACK does the arithmetic:
 *
 * - 1×1 filters without padding: one matrix product, dW = xₛᵀ · dy, where xₛ is x sampled at the
 *   stride (ResNet's projection shortcuts and bottleneck convolutions).
 * - any other filter: the filter gradient is itself a correlation, dW[i,j,c,d] =
 *   Σₙ,ₒ,ₚ xpad[n, o·s + i, p·s + j, c] · dy[n, o, p, d]. With x laid out as a batch of C images
 *   with N channels ([C, H, W, N]) and dy as an [OH, OW, N, D] filter dilated by the stride, that is
 *   one forward `Conv2D` whose output is [C, kh, kw, D].
 *
 * Both are checked against the CPU backend's kernel in test/kernels (strides 1/2, same/valid, 1/3/7).
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, padOrCrop, subsample, type ConvGeometry } from './conv-geometry.js';
import { asTensor } from './tensor-info.js';

/** dW for `y = conv2d(x, W)`, given x [N, H, W, C] and dy [N, OH, OW, D]; returns [kh, kw, C, D]. */
export function conv2dBackpropFilterWasm(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const { batch, inC, outC, kh, kw, sh, sw, outH, outW } = g;
    if (kh === 1 && kw === 1 && g.top === 0 && g.left === 0) {
      const m = batch * outH * outW;
      const xs = tf.reshape(subsample(x, sh, sw, outH, outW), [m, inC]);
      // transposeA is a slow path in the WASM BatchMatMul; an explicit transpose is ~10× faster.
      const dw = tf.matMul(tf.transpose(xs), tf.reshape(dy, [m, outC]));
      return tf.reshape(dw, [1, 1, inC, outC]);
    }
    const xc = padOrCrop(
      tf.transpose(x, [3, 1, 2, 0]),
      [1, 2],
      [
        [g.top, g.bottom],
        [g.left, g.right],
      ],
    ) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const out = tf.conv2d(xc, filter, 1, 'valid', 'NHWC', [sh, sw]);
    const cropped = out.shape[1] === kh && out.shape[2] === kw ? out : tf.slice(out, [0, 0, 0, 0], [inC, kh, kw, outC]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as {
      strides: [number, number] | number;
      pad: Parameters<typeof convGeometry>[4];
      dataFormat?: string;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    const g = convGeometry('Conv2DBackpropFilter', x.shape, a.filterShape, a.strides, a.pad, a.dataFormat, a.dimRoundingMode);
    return tf.tidy(() => conv2dBackpropFilterWasm(asTensor(x) as tf.Tensor4D, asTensor(dy) as tf.Tensor4D, g));
  },
};
