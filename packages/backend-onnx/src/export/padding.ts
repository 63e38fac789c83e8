/**
 * Keras / TensorFlow padding arithmetic. TensorFlow's 'SAME' padding puts the odd pixel of an odd
 * total at the *end* (bottom / right): pad_total = max((ceil(in / s) − 1)·s + k − in, 0),
 * pad_before = floor(pad_total / 2), pad_after = pad_total − pad_before (TensorFlow docs,
 * "tf.nn.convolution", section on padding). ONNX `auto_pad=SAME_UPPER` means the same thing but
 * is deprecated and left to each runtime, so the exporter always writes explicit `pads`.
 */
import type { Padding } from '@affnet/core';

/** Output length of a window op along one axis. */
export function outputLength(input: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(input / stride);
  return Math.floor((input - kernel) / stride) + 1;
}

/** [before, after] padding along one axis for Keras `padding`. */
export function kerasPads(input: number, kernel: number, stride: number, padding: Padding): [number, number] {
  if (padding === 'valid') return [0, 0];
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + kernel - input, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * ONNX `pads` for a 2-D window op, [top, left, bottom, right] (ONNX Conv: "x1_begin, x2_begin …,
 * x1_end, x2_end").
 */
export function onnxPads2d(inHW: [number, number], kernel: [number, number], strides: [number, number], padding: Padding): [number, number, number, number] {
  const [t, b] = kerasPads(inHW[0], kernel[0], strides[0], padding);
  const [l, r] = kerasPads(inHW[1], kernel[1], strides[1], padding);
  return [t, l, b, r];
}
