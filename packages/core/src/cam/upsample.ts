/**
 * Bilinear upsampling of CAM maps from feature to input resolution, with half-pixel centres: output
 * pixel j samples the input at (j + 0.5)·(in / out) − 0.5, clamped to the edge. Each feature cell then
 * sits over the centre of the input region it summarises; this is the convention of
 * tf.image.resizeBilinear(halfPixelCenters = true), OpenCV's INTER_LINEAR and PyTorch's
 * interpolate(align_corners = False).
 */
import { AffnetError } from '../errors.js';
import type { MapBatch } from './class-activation.js';

function axis(outSize: number, inSize: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const t = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let j = 0; j < outSize; j++) {
    const src = Math.min(Math.max((j + 0.5) * scale - 0.5, 0), inSize - 1);
    const lo = Math.floor(src);
    i0[j] = lo;
    i1[j] = Math.min(lo + 1, inSize - 1);
    t[j] = src - lo;
  }
  return { i0, i1, t };
}

/**
 * @param maps - [n, h, w]
 * @param height - output height (e.g. the network input side)
 * @param width - output width @defaultValue height
 * @returns [n, height, width]
 */
export function upsampleBilinear(maps: MapBatch, height: number, width = height): MapBatch {
  const [n, h, w] = maps.shape;
  if (![height, width].every((s) => Number.isInteger(s) && s > 0)) {
    throw new AffnetError('E_OPTION_INVALID', `cam: upsample size ${height}×${width} is not a positive integer size`);
  }
  const ys = axis(height, h);
  const xs = axis(width, w);
  const out = new Float32Array(n * height * width);
  for (let b = 0; b < n; b++) {
    const src = b * h * w;
    const dst = b * height * width;
    for (let y = 0; y < height; y++) {
      const r0 = src + ys.i0[y]! * w;
      const r1 = src + ys.i1[y]! * w;
      const ty = ys.t[y]!;
      for (let x = 0; x < width; x++) {
        const a = xs.i0[x]!;
        const c = xs.i1[x]!;
        const tx = xs.t[x]!;
        const top = maps.data[r0 + a]! * (1 - tx) + maps.data[r0 + c]! * tx;
        const bottom = maps.data[r1 + a]! * (1 - tx) + maps.data[r1 + c]! * tx;
        out[dst + y * width + x] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return { data: out, shape: [n, height, width] };
}
