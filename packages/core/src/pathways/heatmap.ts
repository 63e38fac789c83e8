/**
 * Maps computed on the network input (class activation maps, saliency) back onto the original
 * radiograph through the pathway's transform, for overlays.
 */
import { AffnetError } from '../errors.js';
import { apply, type Affine } from '../geometry/affine.js';
import type { Plane } from '../geometry/plane.js';

export interface MapHeatmapOptions {
  /**
   * Side N of the network input the heatmap spans. A heatmap at feature-map resolution (e.g. 8×8
   * for a 256 input) spans the whole input, so its pixels are N/8 input pixels wide.
   * @defaultValue the heatmap's width (a heatmap at input resolution)
   */
  inputSize?: number;
  /** Value of original pixels the network did not see (outside the crop). @defaultValue 0 */
  fill?: number;
}

/**
 * Resample `heatmap` (any size, spanning the N×N network input) into a `width` × `height` map over
 * the original image. `transform` is the pathway's original → input transform (`preprocess(…)
 * .transform`); each original pixel is sent through it and the heatmap is read there bilinearly,
 * clamped to its outermost pixel centres inside the input square and `fill` outside it.
 * @returns row-major `width`·`height` values
 */
export function mapHeatmapToOriginal(heatmap: Plane, transform: Affine, width: number, height: number, options: MapHeatmapOptions = {}): Float32Array {
  const { width: hw, height: hh, data } = heatmap;
  const N = options.inputSize ?? hw;
  const fill = options.fill ?? 0;
  if (data.length !== hw * hh || hw < 1 || hh < 1) {
    throw new AffnetError('E_OPTION_INVALID', `heatmap has ${data.length} values for ${hw}x${hh}`);
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AffnetError('E_OPTION_INVALID', `mapHeatmapToOriginal: output size must be positive integers, got ${width}x${height}`);
  }
  if (!(N > 0)) throw new AffnetError('E_OPTION_INVALID', `mapHeatmapToOriginal: inputSize must be positive, got ${N}`);
  // Input pixel u lies at heatmap coordinate (u + ½)·hw/N − ½ (edges aligned, centres at integers).
  const kx = hw / N;
  const ky = hh / N;
  if (!transform.every(Number.isFinite)) throw new AffnetError('E_OPTION_INVALID', 'mapHeatmapToOriginal: transform must be finite');
  const out = new Float32Array(width * height);
  const o = apply(transform, { x: 0, y: 0 });
  const [a, b, , d, e] = transform;
  // Bilinear neighbours: the last cell interpolates towards the edge pixel itself (clamped).
  const ixMax = Math.max(hw - 2, 0);
  const iyMax = Math.max(hh - 2, 0);
  const dx1 = hw > 1 ? 1 : 0;
  const dy1 = hh > 1 ? hw : 0;
  for (let y = 0; y < height; y++) {
    let u = o.x + b * y;
    let v = o.y + e * y;
    for (let x = 0; x < width; x++, u += a, v += d) {
      if (u < -0.5 || v < -0.5 || u > N - 0.5 || v > N - 0.5) {
        out[y * width + x] = fill;
        continue;
      }
      const hx = Math.min(Math.max((u + 0.5) * kx - 0.5, 0), hw - 1);
      const hy = Math.min(Math.max((v + 0.5) * ky - 0.5, 0), hh - 1);
      const ix = Math.min(Math.floor(hx), ixMax);
      const iy = Math.min(Math.floor(hy), iyMax);
      const fx = hx - ix;
      const fy = hy - iy;
      const k = iy * hw + ix;
      const top = data[k]! + fx * (data[k + dx1]! - data[k]!);
      const bottom = data[k + dy1]! + fx * (data[k + dy1 + dx1]! - data[k + dy1]!);
      out[y * width + x] = top + fy * (bottom - top);
    }
  }
  return out;
}
