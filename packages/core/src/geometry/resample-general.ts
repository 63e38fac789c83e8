/**
 * @internal Resampling through any affine map (rotation: the intervention pathway, augmentation) with
 * a summed-area table (Crow, "Summed-area tables for texture mapping", SIGGRAPH 1984).
 *
 * Each output pixel is the mean of the source over a box centred on its source position, the box
 * being the pixel's footprint along each source axis, at least one pixel wide:
 * - footprint ≥ 1 (shrinking): area averaging over the footprint, so shrinking does not alias;
 * - footprint < 1 (enlarging): a one-pixel box, which for a piecewise-constant source is exactly
 *   bilinear interpolation between the four nearest pixel centres.
 * This is the rule of the separable path (`resample-separable.ts`) for any rotation; both agree on
 * axis-aligned maps. The table stores the integral of (source − fill) over the part of the image the
 * output can reach, so outside the image the source is the fill value without any halo, and the
 * integral over a box with real-valued corners is read exactly by bilinear interpolation of the table
 * (the integral of a piecewise-constant image is bilinear within each pixel).
 */
import type { Affine } from './affine.js';
import type { Plane } from './plane.js';

/**
 * Resample `src` into `out` (outW × outH) where `inv` maps output pixel coordinates to source pixel
 * coordinates.
 */
export function resampleGeneral(src: Plane, inv: Affine, outW: number, outH: number, fill: number, out: Float32Array): void {
  const [a, b, c, d, e, f] = inv;
  const { width: W, height: H, data } = src;
  // Box half-widths along the source axes: the footprint (exact for similarity maps), ≥ ½ pixel.
  const hx = Math.max(1, Math.hypot(a, b)) / 2;
  const hy = Math.max(1, Math.hypot(d, e)) / 2;
  const area = 4 * hx * hy;

  // The part of the image any box can reach: output centres' bounding box, widened by the box.
  const cx = [c, c + a * (outW - 1), c + b * (outH - 1), c + a * (outW - 1) + b * (outH - 1)];
  const cy = [f, f + d * (outW - 1), f + e * (outH - 1), f + d * (outW - 1) + e * (outH - 1)];
  const x0 = Math.max(0, Math.floor(Math.min(...cx) - hx));
  const x1 = Math.min(W - 1, Math.ceil(Math.max(...cx) + hx));
  const y0 = Math.max(0, Math.floor(Math.min(...cy) - hy));
  const y1 = Math.min(H - 1, Math.ceil(Math.max(...cy) + hy));
  if (x1 < x0 || y1 < y0) {
    out.fill(fill, 0, outW * outH);
    return;
  }
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const stride = w + 1;

  // sat[j·stride + i] = Σ (source − fill) over region pixels left of column i and above row j.
  const sat = new Float64Array(stride * (h + 1));
  for (let j = 0; j < h; j++) {
    const srcRow = (y0 + j) * W + x0;
    const above = j * stride;
    const here = above + stride;
    let rowSum = 0;
    for (let i = 0; i < w; i++) {
      rowSum += data[srcRow + i]! - fill;
      sat[here + i + 1] = sat[above + i + 1]! + rowSum;
    }
  }

  // Integral of (source − fill) from the region's corner to the region-local point (X, Y), where
  // pixel i spans [i, i + 1]; points beyond the region clamp (nothing but fill lies there).
  const integral = (X: number, Y: number): number => {
    const xc = X <= 0 ? 0 : X >= w ? w : X;
    const yc = Y <= 0 ? 0 : Y >= h ? h : Y;
    let i = Math.floor(xc);
    let j = Math.floor(yc);
    if (i === w) i = w - 1;
    if (j === h) j = h - 1;
    const fx = xc - i;
    const fy = yc - j;
    const k = j * stride + i;
    const top = sat[k]! + fx * (sat[k + 1]! - sat[k]!);
    const bottom = sat[k + stride]! + fx * (sat[k + stride + 1]! - sat[k + stride]!);
    return top + fy * (bottom - top);
  };

  // Source pixel centre x ↔ region-local X = x − x0 + ½.
  const ox = c - x0 + 0.5;
  const oy = f - y0 + 0.5;
  for (let v = 0; v < outH; v++) {
    let X = b * v + ox;
    let Y = e * v + oy;
    const base = v * outW;
    for (let u = 0; u < outW; u++, X += a, Y += d) {
      const sum = integral(X + hx, Y + hy) - integral(X - hx, Y + hy) - integral(X + hx, Y - hy) + integral(X - hx, Y - hy);
      out[base + u] = fill + sum / area;
    }
  }
}
