/**
 * `Conv2DBackpropInput` (the gradient of a convolution with respect to its input, i.e. a transposed
 * convolution) for the WASM engine, expressed with the forward `Conv2D` so XNNPACK does the work:
 * dx = conv2d(pad(dilate(dy, s)), rot180(W)ᵀ), where dilate spreads dy's rows/columns `s` apart and
 * the filter is flipped in space with its in/out channels swapped. 1×1 filters are one matrix product
 * scattered back at the stride.
 *
 * WASM has a native kernel, a direct loop about 10× slower than its forward convolution on 3×3
 * layers with some spatial extent. Flipping and transposing the filter costs a pass over it, so on
 * tiny feature maps (few output positions per filter weight) the native loop is faster and is used:
 * below {@link NATIVE_BELOW_POSITIONS} output positions (batch × height × width), measured
 * crossover 20–80 on 3×3 64- and 512-channel layers. Checked against the CPU backend in test/kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, dilate, padOrCrop, type ConvGeometry } from './conv-geometry.js';
import { asTensor } from './tensor-info.js';

/** dx for `y = conv2d(x, W)`, given dy [N, OH, OW, D] and W [kh, kw, C, D]; returns [N, H, W, C]. */
export function conv2dBackpropInputWasm(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const { batch, inH, inW, inC, outC, kh, kw, sh, sw, outH, outW } = g;
    if (kh === 1 && kw === 1 && g.top === 0 && g.left === 0) {
      const m = batch * outH * outW;
      const y = tf.matMul(tf.reshape(dy, [m, outC]), tf.transpose(tf.reshape(filter, [inC, outC])));
      const spread = dilate(tf.reshape(y, [batch, outH, outW, inC]), sh, sw);
      return padOrCrop(
        spread,
        [1, 2],
        [
          [0, inH - outH * sh],
          [0, inW - outW * sw],
        ],
      ) as tf.Tensor4D;
    }
    // rot180 in space = the kh·kw taps in reverse order, done as a product with the exchange matrix:
    // exact (each output is one input times 1 plus zeros) and ~10× faster than WASM's Reverse/Gather.
    const taps = kh * kw;
    const exchange = tf.reverse(tf.eye(taps), [0]);
    const reversed = tf.matMul(exchange, tf.reshape(filter, [taps, inC * outC]));
    const flipped = tf.reshape(tf.transpose(tf.reshape(reversed, [taps, inC, outC]), [0, 2, 1]), [kh, kw, outC, inC]) as tf.Tensor4D;
    // dilate() leaves s−1 zero rows after the last one, hence outH·s in the bottom/right amounts.
    const before = [kh - 1 - g.top, kw - 1 - g.left];
    const padded = padOrCrop(
      dilate(dy, sh, sw),
      [1, 2],
      [
        [before[0], inH + kh - 1 - before[0] - outH * sh],
        [before[1], inW + kw - 1 - before[1] - outW * sw],
      ],
    ) as tf.Tensor4D;
    return tf.conv2d(padded, flipped, 1, 'valid');
  });
}

/** Output positions (batch × outH × outW) below which the native WASM kernel is used. */
export const NATIVE_BELOW_POSITIONS = 64;

let nativeKernel: tf.KernelFunc | undefined;
/** @internal register.ts hands over the native kernel it replaces. */
export function setNativeBackpropInput(kernel: tf.KernelFunc | undefined): void {
  nativeKernel = kernel;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { inputs, attrs } = args;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as {
      strides: [number, number] | number;
      pad: Parameters<typeof convGeometry>[4];
      dataFormat?: string;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
    };
    const g = convGeometry('Conv2DBackpropInput', a.inputShape, filter.shape, a.strides, a.pad, a.dataFormat, a.dimRoundingMode);
    if (nativeKernel && g.batch * g.outH * g.outW < NATIVE_BELOW_POSITIONS) return nativeKernel(args);
    return tf.tidy(() => conv2dBackpropInputWasm(asTensor(dy) as tf.Tensor4D, asTensor(filter) as tf.Tensor4D, g));
  },
};
