/**
 * The aligner's view of a radiograph: the automated pathway's pad-to-square resample at a small
 * grid (the same `automatedGeometry`, so the mapping back to original pixels is the pathway's own),
 * contrast-stretched to [0, 1], and per-pixel features read from summed-area tables: box means of
 * the grey level, a top-hat (grey minus its wide blur: bone against soft tissue) and the gradient
 * magnitude at four scales and five offsets, the local spread, the structure tensor's orientation,
 * and the position in the square.
 */
import type { Affine } from '../../geometry/affine.js';
import { resampleAffine } from '../../geometry/resample.js';
import type { Radiograph } from '../../image/radiograph.js';
import { automatedGeometry } from '../automated.js';
import { borderMedian } from '../background.js';

/** Box half-sizes, in grid pixels at a 128 grid (scaled with the grid). */
const SCALES_AT_128 = [2, 4, 8, 16, 32, 64];
/** Offsets of the box centre, in units of the box half-size. */
const OFFSETS: readonly (readonly [number, number])[] = [
  [0, 0],
  [2, 0],
  [-2, 0],
  [0, 2],
  [0, -2],
];
const MAPS = 3;
/** Orientation features at these scales (indices into the scale list). */
const ORIENTATION_SCALES = [1, 2];

export function featureCount(): number {
  return SCALES_AT_128.length * (MAPS * OFFSETS.length + 1) + ORIENTATION_SCALES.length * 2 + 2;
}

/** A radiograph as the aligner sees it: small enough to keep thousands in memory. */
export interface AlignmentPlane {
  /** Grid side G: the plane is G×G. */
  side: number;
  /** Contrast-stretched grey plane in [0, 1], row-major. */
  plane: Float32Array;
  /** Original pixel → grid pixel. */
  transform: Affine;
  /** The original's size. */
  width: number;
  height: number;
}

export interface AlignmentGrid extends AlignmentPlane {
  /** Per-pixel features, `featureCount()` per pixel, pixel-major. */
  features: Float32Array;
}

/** The grid plane of a radiograph (deterministic). */
export function alignmentPlane(r: Radiograph, side: number): AlignmentPlane {
  const { transform } = automatedGeometry(r.width, r.height, side);
  const raw = resampleAffine(r, transform, side, side, { fill: borderMedian(r) });
  return { side, plane: stretch(raw), transform, width: r.width, height: r.height };
}

/** The per-pixel features of a grid plane. */
export function gridFeatures(p: AlignmentPlane): AlignmentGrid {
  return { ...p, features: pixelFeatures(p.plane, p.side) };
}

/** Build the grid and its features (deterministic; no randomness). */
export function alignmentGrid(r: Radiograph, side: number): AlignmentGrid {
  return gridFeatures(alignmentPlane(r, side));
}

function stretch(v: Float32Array): Float32Array {
  const sorted = Float32Array.from(v).sort();
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))]!;
  const hi = sorted[Math.floor(0.995 * (sorted.length - 1))]!;
  const span = hi - lo > 1e-12 ? hi - lo : 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.min(1, Math.max(0, (v[i]! - lo) / span));
  return out;
}

/** Summed-area table with a zero row and column: (G+1)². */
function integral(m: Float32Array, G: number): Float64Array {
  const S = new Float64Array((G + 1) * (G + 1));
  for (let y = 0; y < G; y++) {
    let row = 0;
    for (let x = 0; x < G; x++) {
      row += m[y * G + x]!;
      S[(y + 1) * (G + 1) + x + 1] = S[y * (G + 1) + x + 1]! + row;
    }
  }
  return S;
}

/** Mean over the box [x−r, x+r]×[y−r, y+r] clipped to the grid. */
function boxMean(S: Float64Array, G: number, x: number, y: number, r: number): number {
  const x0 = Math.max(0, x - r);
  const y0 = Math.max(0, y - r);
  const x1 = Math.min(G - 1, x + r);
  const y1 = Math.min(G - 1, y + r);
  if (x1 < x0 || y1 < y0) return 0;
  const W = G + 1;
  const sum = S[(y1 + 1) * W + x1 + 1]! - S[y0 * W + x1 + 1]! - S[(y1 + 1) * W + x0]! + S[y0 * W + x0]!;
  return sum / ((x1 - x0 + 1) * (y1 - y0 + 1));
}

function blur(m: Float32Array, G: number, r: number): Float32Array {
  const S = integral(m, G);
  const out = new Float32Array(G * G);
  for (let y = 0; y < G; y++) for (let x = 0; x < G; x++) out[y * G + x] = boxMean(S, G, x, y, r);
  return out;
}

function pixelFeatures(I: Float32Array, G: number): Float32Array {
  const k = G / 128;
  const scales = SCALES_AT_128.map((s) => Math.max(1, Math.round(s * k)));
  const wide = blur(I, G, Math.max(2, Math.round(10 * k)));
  const T = new Float32Array(G * G);
  for (let i = 0; i < T.length; i++) T[i] = I[i]! - wide[i]!;
  const smooth = blur(I, G, 1);
  const gx = new Float32Array(G * G);
  const gy = new Float32Array(G * G);
  const Gm = new Float32Array(G * G);
  for (let y = 0; y < G; y++) {
    for (let x = 0; x < G; x++) {
      const at = (xx: number, yy: number) => smooth[Math.min(G - 1, Math.max(0, yy)) * G + Math.min(G - 1, Math.max(0, xx))]!;
      const dx = (at(x + 1, y) - at(x - 1, y)) / 2;
      const dy = (at(x, y + 1) - at(x, y - 1)) / 2;
      gx[y * G + x] = dx;
      gy[y * G + x] = dy;
      Gm[y * G + x] = Math.hypot(dx, dy);
    }
  }
  const I2 = new Float32Array(G * G);
  const xx = new Float32Array(G * G);
  const yy = new Float32Array(G * G);
  const xy = new Float32Array(G * G);
  for (let i = 0; i < I2.length; i++) {
    I2[i] = I[i]! * I[i]!;
    xx[i] = gx[i]! * gx[i]!;
    yy[i] = gy[i]! * gy[i]!;
    xy[i] = gx[i]! * gy[i]!;
  }
  const tables = [integral(I, G), integral(T, G), integral(Gm, G)];
  const S2 = integral(I2, G);
  const Sxx = integral(xx, G);
  const Syy = integral(yy, G);
  const Sxy = integral(xy, G);
  const F = featureCount();
  const out = new Float32Array(G * G * F);
  // Gradient magnitudes are small next to grey levels; scaled so every feature has a similar range before standardising.
  for (let y = 0; y < G; y++) {
    for (let x = 0; x < G; x++) {
      let o = (y * G + x) * F;
      for (const r of scales) {
        for (const S of tables) for (const [ox, oy] of OFFSETS) out[o++] = boxMean(S, G, x + ox * r, y + oy * r, r);
        const m = boxMean(tables[0]!, G, x, y, r);
        out[o++] = Math.sqrt(Math.max(0, boxMean(S2, G, x, y, r) - m * m));
      }
      for (const si of ORIENTATION_SCALES) {
        const r = scales[si]!;
        const a = boxMean(Sxx, G, x, y, r);
        const b = boxMean(Syy, G, x, y, r);
        const c = boxMean(Sxy, G, x, y, r);
        const tr = a + b + 1e-9;
        out[o++] = (a - b) / tr;
        out[o++] = (2 * c) / tr;
      }
      out[o++] = (x + 0.5) / G - 0.5;
      out[o++] = (y + 0.5) / G - 0.5;
    }
  }
  return out;
}
