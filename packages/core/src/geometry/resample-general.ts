/**
 * @internal Resampling through any affine map (rotation, the intervention pathway, augmentation):
 * one prefilter + one bilinear sampling, i.e. a single resample whose kernel is box ⊗ tent.
 *
 * When an output pixel covers more than one source pixel along a source axis, the source is first
 * box-filtered along that axis with the footprint width (area averaging, so shrinking does not alias),
 * then sampled bilinearly. The box is computed exactly for the piecewise-constant source (fractional
 * end weights), with running sums, only over the part of the source the output can reach. Outside
 * the image the source is the fill value, so the image edge blends into the fill like any other edge.
 */
import type { Affine } from './affine.js';
import type { Plane } from './plane.js';

/** A rectangle of a (filtered) source plane placed at (x0, y0) in source coordinates. */
interface Region {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Resample `src` into `out` (outW × outH) where `inv` maps output pixel coordinates to source pixel
 * coordinates.
 */
export function resampleGeneral(src: Plane, inv: Affine, outW: number, outH: number, fill: number, out: Float32Array): void {
  const [a, b, c, d, e, f] = inv;
  // Footprint of one output pixel along the source axes (exact for similarity transforms).
  const boxX = Math.hypot(a, b);
  const boxY = Math.hypot(d, e);

  // Bounding box in the source of everything the output reads, with the filter's reach.
  const xs = [c - 0.5 * (a + b), c + a * (outW - 0.5) - 0.5 * b, c - 0.5 * a + b * (outH - 0.5), c + a * (outW - 0.5) + b * (outH - 0.5)];
  const ys = [f - 0.5 * (d + e), f + d * (outW - 0.5) - 0.5 * e, f - 0.5 * d + e * (outH - 0.5), f + d * (outW - 0.5) + e * (outH - 0.5)];
  const reachX = boxX > 1 ? Math.ceil(boxX / 2) + 1 : 1;
  const reachY = boxY > 1 ? Math.ceil(boxY / 2) + 1 : 1;
  const x0 = Math.max(Math.floor(Math.min(...xs)) - 1, -reachX);
  const x1 = Math.min(Math.ceil(Math.max(...xs)) + 1, src.width - 1 + reachX);
  // Rows: also the filter's reach, because the vertical pass treats rows beyond the region as fill.
  const y0 = Math.max(Math.floor(Math.min(...ys)) - 1 - reachY, -reachY);
  const y1 = Math.min(Math.ceil(Math.max(...ys)) + 1 + reachY, src.height - 1 + reachY);
  if (x1 < x0 || y1 < y0) {
    out.fill(fill, 0, outW * outH);
    return;
  }
  const region = filteredRegion(src, x0, y0, x1 - x0 + 1, y1 - y0 + 1, boxX, boxY, fill);
  sampleBilinear(region, inv, outW, outH, fill, out);
}

/** The source over [x0, x0+w) × [y0, y0+h), box-filtered with widths bx, by where they exceed 1. */
function filteredRegion(src: Plane, x0: number, y0: number, w: number, h: number, bx: number, by: number, fill: number): Region {
  const { width: W, height: H, data } = src;
  const region = new Float32Array(w * h);
  // Horizontal pass (or plain copy), rows outside the image are the fill value.
  const rx = bx > 1 ? Math.floor((bx - 1) / 2) : 0;
  const ex = bx > 1 ? (bx - 2 * rx - 1) / 2 : 0;
  const ext = new Float64Array(w + 2 * rx + 2); // one source row with rx+1 fill/halo pixels each side
  const prefix = new Float64Array(ext.length + 1);
  for (let r = 0; r < h; r++) {
    const y = y0 + r;
    const base = r * w;
    if (y < 0 || y >= H) {
      region.fill(fill, base, base + w);
      continue;
    }
    if (bx <= 1) {
      for (let i = 0; i < w; i++) {
        const x = x0 + i;
        region[base + i] = x >= 0 && x < W ? data[y * W + x]! : fill;
      }
      continue;
    }
    const xStart = x0 - rx - 1;
    for (let i = 0; i < ext.length; i++) {
      const x = xStart + i;
      ext[i] = x >= 0 && x < W ? data[y * W + x]! : fill;
    }
    prefix[0] = 0;
    for (let i = 0; i < ext.length; i++) prefix[i + 1] = prefix[i]! + ext[i]!;
    // Output i is centred on ext index i + rx + 1: full weight on [i+1, i+2rx+1], ex on both ends.
    for (let i = 0; i < w; i++) {
      region[base + i] = (prefix[i + 2 * rx + 2]! - prefix[i + 1]! + ex * (ext[i]! + ext[i + 2 * rx + 2]!)) / bx;
    }
  }
  if (by <= 1) return { x0, y0, width: w, height: h, data: region };

  // Vertical pass over whole rows with a running sum. Rows beyond the region count as fill: either
  // they are outside the image, or the region was extended by the filter's reach so that the rows
  // that are sampled never see them.
  const ry = Math.floor((by - 1) / 2);
  const ey = (by - 2 * ry - 1) / 2;
  const outRegion = new Float32Array(w * h);
  const sum = new Float64Array(w);
  const fillRow = new Float32Array(w).fill(fill);
  const row = (r: number): Float32Array => (r < 0 || r >= h ? fillRow : region.subarray(r * w, r * w + w));
  for (let k = -ry; k <= ry; k++) {
    const src = row(k);
    for (let i = 0; i < w; i++) sum[i] += src[i]!;
  }
  for (let r = 0; r < h; r++) {
    const lo = row(r - ry - 1);
    const hi = row(r + ry + 1);
    const base = r * w;
    for (let i = 0; i < w; i++) outRegion[base + i] = (sum[i]! + ey * (lo[i]! + hi[i]!)) / by;
    const leave = row(r - ry);
    for (let i = 0; i < w; i++) sum[i] += hi[i]! - leave[i]!;
  }
  return { x0, y0, width: w, height: h, data: outRegion };
}

/** Bilinear sampling of `region` at `inv`·(u, v) for every output pixel; outside the region: fill. */
function sampleBilinear(region: Region, inv: Affine, outW: number, outH: number, fill: number, out: Float32Array): void {
  const { width: w, height: h, data } = region;
  const [a, b, c, d, e, f] = inv;
  const cx = c - region.x0;
  const cy = f - region.y0;
  for (let v = 0; v < outH; v++) {
    let x = b * v + cx;
    let y = e * v + cy;
    const outBase = v * outW;
    for (let u = 0; u < outW; u++, x += a, y += d) {
      const ix = Math.floor(x);
      const iy = Math.floor(y);
      const fx = x - ix;
      const fy = y - iy;
      let p00: number, p10: number, p01: number, p11: number;
      if (ix >= 0 && iy >= 0 && ix < w - 1 && iy < h - 1) {
        const k = iy * w + ix;
        p00 = data[k]!;
        p10 = data[k + 1]!;
        p01 = data[k + w]!;
        p11 = data[k + w + 1]!;
      } else if (ix < -1 || iy < -1 || ix >= w || iy >= h) {
        out[outBase + u] = fill;
        continue;
      } else {
        p00 = at(data, w, h, ix, iy, fill);
        p10 = at(data, w, h, ix + 1, iy, fill);
        p01 = at(data, w, h, ix, iy + 1, fill);
        p11 = at(data, w, h, ix + 1, iy + 1, fill);
      }
      const top = p00 + fx * (p10 - p00);
      const bottom = p01 + fx * (p11 - p01);
      out[outBase + u] = top + fy * (bottom - top);
    }
  }
}

function at(data: Float32Array, w: number, h: number, x: number, y: number, fill: number): number {
  return x >= 0 && y >= 0 && x < w && y < h ? data[y * w + x]! : fill;
}
