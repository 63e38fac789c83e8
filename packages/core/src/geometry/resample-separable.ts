/**
 * @internal Separable resampling for axis-aligned transforms (scale + translation, the automated
 * pathway without augmentation). Each axis gets a precomputed table of source taps per output pixel:
 * - shrinking (more than one source pixel per output pixel): exact area averaging — the weight of a
 *   source pixel is the length of its overlap with the output pixel's footprint (the box filter of
 *   OpenCV's INTER_AREA, here for any real scale factor and offset);
 * - enlarging: bilinear (tent) weights.
 * The two rules agree at scale 1. Source pixels outside the image are the fill value.
 */
import type { Plane } from './plane.js';

interface AxisTable {
  /** First in-image source index of each output index. */
  start: Int32Array;
  /** Number of in-image taps of each output index. */
  count: Int32Array;
  /** Offset of each output index's weights in `weights`. */
  offset: Int32Array;
  weights: Float64Array;
  /** Weight of the fill value (the part of the footprint outside the image). */
  fill: Float64Array;
}

/**
 * Taps for source coordinate `x = scale·u + shift` (pixel centres at integers, pixel i covering
 * [i − ½, i + ½]) for u = 0 … outN − 1 over a source axis of `srcN` pixels.
 */
export function buildAxisTable(scale: number, shift: number, outN: number, srcN: number): AxisTable {
  const width = Math.abs(scale);
  const area = width >= 1;
  const maxTaps = area ? Math.ceil(width) + 2 : 2;
  const start = new Int32Array(outN);
  const count = new Int32Array(outN);
  const offset = new Int32Array(outN);
  const weights = new Float64Array(outN * maxTaps);
  const fill = new Float64Array(outN);
  let used = 0;
  for (let u = 0; u < outN; u++) {
    offset[u] = used;
    let first = -1;
    let n = 0;
    let outside = 0;
    const push = (i: number, w: number): void => {
      if (w <= 0) return;
      if (i < 0 || i >= srcN) {
        outside += w;
        return;
      }
      if (first < 0) first = i;
      weights[used + (i - first)] = w;
      n = i - first + 1;
    };
    if (area) {
      const a = scale * (u - 0.5) + shift;
      const b = scale * (u + 0.5) + shift;
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      const iFirst = Math.floor(lo - 0.5) + 1;
      const iLast = Math.ceil(hi + 0.5) - 1;
      for (let i = iFirst; i <= iLast; i++) push(i, (Math.min(hi, i + 0.5) - Math.max(lo, i - 0.5)) / width);
    } else {
      const x = scale * u + shift;
      const i0 = Math.floor(x);
      const f = x - i0;
      push(i0, 1 - f);
      push(i0 + 1, f);
    }
    start[u] = first < 0 ? 0 : first;
    count[u] = n;
    fill[u] = outside;
    used += n;
  }
  return { start, count, offset, weights: weights.subarray(0, used), fill };
}

/**
 * The intermediate rows, reused between calls (4 MB for 2048-wide radiographs at N = 256): a fresh
 * allocation per image costs more in zeroing and garbage collection than the pass itself saves.
 * Safe because resampling is synchronous; every element used is written before it is read.
 */
let scratchRows = new Float64Array(0);
function scratch(length: number): Float64Array {
  if (scratchRows.length < length) scratchRows = new Float64Array(length);
  return scratchRows.subarray(0, length);
}

/**
 * Resample `src` through the axis-aligned inverse map `x = sx·u + tx`, `y = sy·v + ty`
 * (output pixel (u, v) → source coordinates) into `out` (outW × outH).
 */
export function resampleSeparable(src: Plane, sx: number, tx: number, sy: number, ty: number, outW: number, outH: number, fill: number, out: Float32Array): void {
  const { width: W, height: H, data } = src;
  const xt = buildAxisTable(sx, tx, outW, W);
  const yt = buildAxisTable(sy, ty, outH, H);

  // Pass 1: vertical. Each output row is a weighted sum of whole source rows: a stride-1 loop over
  // the source width, the bulk of the work when shrinking a large radiograph.
  const tmp = scratch(outH * W);
  const { start: ys, count: yc, offset: yo, weights: yw, fill: yf } = yt;
  for (let v = 0; v < outH; v++) {
    const row = tmp.subarray(v * W, v * W + W);
    row.fill(yf[v]! * fill);
    const n = yc[v]!;
    const o = yo[v]!;
    let k = 0;
    // Four source rows per sweep: a quarter of the read-modify-writes of the accumulator row.
    for (; k + 3 < n; k += 4) {
      const w0 = yw[o + k]!;
      const w1 = yw[o + k + 1]!;
      const w2 = yw[o + k + 2]!;
      const w3 = yw[o + k + 3]!;
      const b0 = (ys[v]! + k) * W;
      const b1 = b0 + W;
      const b2 = b1 + W;
      const b3 = b2 + W;
      for (let x = 0; x < W; x++) row[x] += w0 * data[b0 + x]! + w1 * data[b1 + x]! + w2 * data[b2 + x]! + w3 * data[b3 + x]!;
    }
    for (; k < n; k++) {
      const w = yw[o + k]!;
      const base = (ys[v]! + k) * W;
      for (let x = 0; x < W; x++) row[x] += w * data[base + x]!;
    }
  }

  // Pass 2: horizontal, outH rows of W → outW columns.
  const { start: xs, count: xc, offset: xo, weights: xw, fill: xf } = xt;
  for (let v = 0; v < outH; v++) {
    const rowBase = v * W;
    const outBase = v * outW;
    for (let u = 0; u < outW; u++) {
      let acc = xf[u]! * fill;
      const s = rowBase + xs[u]!;
      const o = xo[u]!;
      const n = xc[u]!;
      for (let k = 0; k < n; k++) acc += xw[o + k]! * tmp[s + k]!;
      out[outBase + u] = acc;
    }
  }
}
