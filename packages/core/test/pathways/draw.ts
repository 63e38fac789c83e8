/** Synthetic test images and measurements for the pathway tests. */
import type { Point } from '../../src/geometry/affine.js';
import { createRadiograph, type Radiograph } from '../../src/image/radiograph.js';

export function blank(width: number, height: number, value: number, meta: Partial<Radiograph['meta']> = {}): Radiograph {
  return createRadiograph(width, height, new Float32Array(width * height).fill(value), { source: 'synthetic', bitDepth: 16, ...meta });
}

/** Adds a Gaussian blob of peak `amp` and width `sigma` centred on `c`. */
export function addBlob(img: Radiograph, c: Point, amp: number, sigma: number): void {
  const r = Math.ceil(4 * sigma);
  for (let y = Math.max(0, Math.floor(c.y - r)); y <= Math.min(img.height - 1, Math.ceil(c.y + r)); y++) {
    for (let x = Math.max(0, Math.floor(c.x - r)); x <= Math.min(img.width - 1, Math.ceil(c.x + r)); x++) {
      img.data[y * img.width + x] += amp * Math.exp(-((x - c.x) ** 2 + (y - c.y) ** 2) / (2 * sigma * sigma));
    }
  }
}

/** Adds an anti-aliased straight line through `p` along `dir`, about 3 px wide, of height `amp`. */
export function addLine(img: Radiograph, p: Point, dir: Point, amp: number): void {
  const len = Math.hypot(dir.x, dir.y);
  const nx = -dir.y / len;
  const ny = dir.x / len;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const dist = Math.abs((x - p.x) * nx + (y - p.y) * ny);
      img.data[y * img.width + x] += amp * Math.min(1, Math.max(0, 2 - dist));
    }
  }
}

/** Intensity-weighted centroid of the values above `threshold` (each weighted by value − threshold). */
export function centroid(data: Float32Array, width: number, threshold: number): Point {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < data.length; i++) {
    const w = data[i]! - threshold;
    if (w <= 0) continue;
    sw += w;
    sx += w * (i % width);
    sy += w * Math.floor(i / width);
  }
  return { x: sx / sw, y: sy / sw };
}

/** Channel 0 of an NHWC [1, N, N, 3] tensor. */
export function channel0(data: Float32Array, channels = 3): Float32Array {
  const out = new Float32Array(data.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels]!;
  return out;
}

/** Angle from vertical, in degrees, of the bright line in `plane` (per-row centroids, least squares). */
export function lineAngleFromVertical(plane: Float32Array, n: number, threshold: number, margin: number): { degrees: number; xAtCentre: number } {
  const ys: number[] = [];
  const xs: number[] = [];
  for (let v = margin; v < n - margin; v++) {
    let sw = 0;
    let sx = 0;
    for (let u = 0; u < n; u++) {
      const w = plane[v * n + u]! - threshold;
      if (w > 0) {
        sw += w;
        sx += w * u;
      }
    }
    if (sw > 0) {
      ys.push(v);
      xs.push(sx / sw);
    }
  }
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (y - my) * (xs[i]! - mx);
    den += (y - my) ** 2;
  });
  const slope = num / den;
  return { degrees: (Math.atan(slope) * 180) / Math.PI, xAtCentre: mx + slope * ((n - 1) / 2 - my) };
}

/** Mean and population SD in float64. */
export function meanSd(data: ArrayLike<number>): { mean: number; sd: number } {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]!;
  const mean = s / data.length;
  let q = 0;
  for (let i = 0; i < data.length; i++) q += (data[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(q / data.length) };
}
