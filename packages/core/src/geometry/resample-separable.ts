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
 * Resample `src` through the axis-aligned inverse map `x = sx·u + tx`, `y = sy·v + ty`
 * (output pixel (u, v) → source coordinates) into `out` (outW × outH).
 */
export function resampleSeparable(
  src: Plane,
  sx: number,
  tx: number,
  sy: number,
  ty: number,
  outW: number,
  outH: number,
  fill: number,
  out: Float32Array,
): void {
  const { width: W, height: H, data } = src;
  const xt = buildAxisTable(sx, tx, outW, W);
  const yt = buildAxisTable(sy, ty, outH, H);

  // Rows of the source that any output row reads.
  let yMin = H;
  let yMax = -1;
  for (let v = 0; v < outH; v++) {
    if (yt.count[v]! === 0) continue;
    yMin = Math.min(yMin, yt.start[v]!);
    yMax = Math.max(yMax, yt.start[v]! + yt.count[v]! - 1);
  }
  const rows = Math.max(0, yMax - yMin + 1);

  // Pass 1: horizontal, every needed source row → outW columns.
  const tmp = new Float64Array(rows * outW);
  const { start: xs, count: xc, offset: xo, weights: xw, fill: xf } = xt;
  for (let r = 0; r < rows; r++) {
    const rowBase = (yMin + r) * W;
    const tmpBase = r * outW;
    for (let u = 0; u < outW; u++) {
      let acc = xf[u]! * fill;
      const s = rowBase + xs[u]!;
      const o = xo[u]!;
      const n = xc[u]!;
      for (let k = 0; k < n; k++) acc += xw[o + k]! * data[s + k]!;
      tmp[tmpBase + u] = acc;
    }
  }

  // Pass 2: vertical, accumulate whole rows (contiguous, cache friendly).
  const acc = new Float64Array(outW);
  const { start: ys, count: yc, offset: yo, weights: yw, fill: yf } = yt;
  for (let v = 0; v < outH; v++) {
    acc.fill(yf[v]! * fill);
    const n = yc[v]!;
    for (let k = 0; k < n; k++) {
      const w = yw[yo[v]! + k]!;
      const base = (ys[v]! + k - yMin) * outW;
      for (let u = 0; u < outW; u++) acc[u] += w * tmp[base + u]!;
    }
    const outBase = v * outW;
    for (let u = 0; u < outW; u++) out[outBase + u] = acc[u]!;
  }
}
