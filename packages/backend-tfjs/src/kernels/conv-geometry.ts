/**
 * Internal: the convolution geometry shared by the gradient kernels, computed with tfjs's own
 * `computeConv2DInfo` so that padding ('same', 'valid', explicit, rounding modes) means exactly what
 * it means in the forward `Conv2D` kernel.
 */
import * as tf from '@tensorflow/tfjs';

export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

export function convGeometry(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  pad: Pad,
  dataFormat: string | undefined,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): ConvGeometry {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm (affnet kernel): dataFormat "${dataFormat}" is not supported; use NHWC`);
  }
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    bottom: info.padInfo.bottom,
    left: info.padInfo.left,
    right: info.padInfo.right,
  };
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes `axes` of a tensor.
 */
export function padOrCrop(t: tf.Tensor, axes: [number, number], amounts: [[number, number], [number, number]]): tf.Tensor {
  const rank = t.shape.length;
  const pads: [number, number][] = t.shape.map(() => [0, 0]);
  const begin: number[] = t.shape.map(() => 0);
  const size: number[] = [...t.shape];
  let needPad = false;
  let needCrop = false;
  axes.forEach((axis, i) => {
    const [before, after] = amounts[i];
    pads[axis] = [Math.max(0, before), Math.max(0, after)];
    needPad ||= before > 0 || after > 0;
    if (before < 0 || after < 0) {
      needCrop = true;
      begin[axis] = Math.max(0, -before);
      size[axis] = t.shape[axis] - Math.max(0, -before) - Math.max(0, -after);
    }
  });
  let out = t;
  if (needCrop) out = tf.slice(out, begin, size);
  if (needPad) out = tf.pad(out, pads.slice(0, rank));
  return out;
}

/**
 * Every `s`-th row and column of an NHWC tensor starting at 0, `rows`×`cols` of them, without a
 * strided slice (slow on WASM): crop/pad to a multiple of the stride, view as
 * [N·rows, sh, cols, sw·C] (rank 4 keeps WASM's fast Slice) and take the first of each group.
 */
export function subsample(x: tf.Tensor4D, sh: number, sw: number, rows: number, cols: number): tf.Tensor4D {
  if (sh === 1 && sw === 1 && x.shape[1] === rows && x.shape[2] === cols) return x;
  const [n, h, w, c] = x.shape;
  const fitted = padOrCrop(
    x,
    [1, 2],
    [
      [0, rows * sh - h],
      [0, cols * sw - w],
    ],
  );
  const grouped = tf.reshape(fitted, [n * rows, sh, cols, sw * c]);
  return tf.reshape(tf.slice(grouped, [0, 0, 0, 0], [n * rows, 1, cols, c]), [n, rows, cols, c]);
}

/** The inverse of {@link subsample}: spreads rows/cols `s` apart with zeros between (and `s−1` after). */
export function dilate(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n * h, 1, w, c]), [
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, (sw - 1) * c],
  ]);
  return tf.reshape(spread, [n, h * sh, w * sw, c]);
}
