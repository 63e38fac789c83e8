/**
 * Bilinear upsampling of CAM maps from feature to input resolution, with half-pixel centres: output
 * pixel j samples the input at (j + 0.5)·(in / out) − 0.5, clamped to the edge. Each feature cell then
 * sits over the centre of the input region it summarises; this is the convention of
 * tf.image.resizeBilinear(halfPixelCenters = true), OpenCV's INTER_LINEAR and PyTorch's
 * interpolate(align_corners = False).
 */
import { AffnetError } from '../errors.js';
import { mapHeatmapToOriginal } from '../pathways/heatmap.js';
import type { Affine } from '../geometry/affine.js';
import type { MapBatch } from './class-activation.js';

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
  // One sampler for every heatmap (pathways/heatmap.ts, which reads a heatmap spanning an S×S square
  // at (u + ½)·(cells / S) − ½): output pixel (x, y) is sent to u = (x + ½)·S/width − ½,
  // v = (y + ½)·S/height − ½, which reads the map at (x + ½)·(w / width) − ½ and
  // (y + ½)·(h / height) − ½ — the half-pixel rule above. S is arbitrary; w keeps the numbers small.
  const S = w;
  const toSquare: Affine = [S / width, 0, (0.5 * S) / width - 0.5, 0, S / height, (0.5 * S) / height - 0.5];
  const out = new Float32Array(n * height * width);
  for (let b = 0; b < n; b++) {
    const plane = { width: w, height: h, data: maps.data.subarray(b * h * w, (b + 1) * h * w) };
    out.set(mapHeatmapToOriginal(plane, toSquare, width, height, { inputSize: S }), b * height * width);
  }
  return { data: out, shape: [n, height, width] };
}
