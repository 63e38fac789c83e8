/**
 * Separable Gaussian blur (focal spot and detector point-spread), edge-replicating. The kernel is
 * truncated at 2σ and at most 4 px (σ ≤ 2 px is what the phantom draws); both passes are written out
 * per radius so that every output pixel is one expression over contiguous rows. @internal
 */
import type { Plane } from '../projection/raster.js';
import { negLogInPlace } from './fast-log.js';
import type { BlockAccumulator } from './lowpass.js';

/** Normalised symmetric Gaussian taps k[0..r] (k[0] the centre) with r = min(4, ⌈2σ⌉). */
export function gaussianTaps(sigma: number): Float64Array {
  const r = Math.min(4, Math.max(1, Math.ceil(2 * sigma)));
  const k = new Float64Array(r + 1);
  let sum = 0;
  for (let i = 0; i <= r; i++) {
    k[i] = Math.exp((-i * i) / (2 * sigma * sigma));
    sum += i === 0 ? k[i]! : 2 * k[i]!;
  }
  for (let i = 0; i <= r; i++) k[i]! /= sum;
  return k;
}

let scratch = new Float32Array(0);

/** One blurred line: out[x] = Σ k[|j|]·src[x + j], src indexed with a left offset of 4. */
function convolve(src: Float32Array, out: Float32Array, o: number, n: number, k: Float64Array): void {
  const r = k.length - 1;
  const k0 = k[0]!;
  const k1 = k[1]!;
  const k2 = r >= 2 ? k[2]! : 0;
  const k3 = r >= 3 ? k[3]! : 0;
  const k4 = r >= 4 ? k[4]! : 0;
  if (r === 1) for (let x = 0, c = 4; x < n; x++, c++) out[o + x] = k0 * src[c]! + k1 * (src[c - 1]! + src[c + 1]!);
  else if (r === 2) {
    for (let x = 0, c = 4; x < n; x++, c++) out[o + x] = k0 * src[c]! + k1 * (src[c - 1]! + src[c + 1]!) + k2 * (src[c - 2]! + src[c + 2]!);
  } else if (r === 3) {
    for (let x = 0, c = 4; x < n; x++, c++) {
      out[o + x] = k0 * src[c]! + k1 * (src[c - 1]! + src[c + 1]!) + k2 * (src[c - 2]! + src[c + 2]!) + k3 * (src[c - 3]! + src[c + 3]!);
    }
  } else {
    for (let x = 0, c = 4; x < n; x++, c++) {
      out[o + x] =
        k0 * src[c]! + k1 * (src[c - 1]! + src[c + 1]!) + k2 * (src[c - 2]! + src[c + 2]!) + k3 * (src[c - 3]! + src[c + 3]!) + k4 * (src[c - 4]! + src[c + 4]!);
    }
  }
}

/** Edge-padded copy of a row in a buffer with a left margin of 4 (what {@link convolveRow} reads). */
export function rowBuffer(width: number): Float32Array {
  return new Float32Array(width + 8);
}

/** Blurs one row held in `line` (data at 4..4 + n, margins filled here) into out[o..o + n). */
export function convolveRow(line: Float32Array, n: number, out: Float32Array, o: number, k: Float64Array): void {
  for (let j = 1; j <= 4; j++) {
    line[4 - j] = line[4]!;
    line[3 + n + j] = line[3 + n]!;
  }
  convolve(line, out, o, n, k);
}

/** Scratch plane of at least `n` values, reused between calls (one per thread). */
export function scratchPlane(n: number): Float32Array {
  if (scratch.length < n) scratch = new Float32Array(n);
  return scratch;
}

/**
 * The column half of the blur: tmp (rows already blurred) → `p`, then each value v becomes `post`:
 * `'none'` keeps it, `{ log: ln0 }` writes ln0 − ln(max(v, 1)) (the detector's logarithmic
 * response) and adds it into `accumulate` (a low-pass of the log image), fused to save passes.
 */
export function blurColumns(tmp: Float32Array, p: Plane, k: Float64Array, post: 'none' | { log: number; accumulate: BlockAccumulator }): void {
  const { width: w, height: h, data } = p;
  const r = k.length - 1;
  const log = post === 'none' ? null : post.log;
  const acc = post === 'none' ? null : post.accumulate;
  const bits = post === 'none' ? null : new Int32Array(data.buffer, data.byteOffset, data.length);
  const rowOf = (y: number) => (y < 0 ? 0 : y >= h ? h - 1 : y) * w;
  const k0 = k[0]!;
  const k1 = k[1]!;
  const k2 = r >= 2 ? k[2]! : 0;
  const k3 = r >= 3 ? k[3]! : 0;
  const k4 = r >= 4 ? k[4]! : 0;
  for (let y = 0; y < h; y++) {
    const c = rowOf(y);
    const m1 = rowOf(y - 1);
    const p1 = rowOf(y + 1);
    const m2 = rowOf(y - 2);
    const p2 = rowOf(y + 2);
    const m3 = rowOf(y - 3);
    const p3 = rowOf(y + 3);
    const m4 = rowOf(y - 4);
    const p4 = rowOf(y + 4);
    const o = y * w;
    for (let x = 0; x < w; x++) {
      let v = k0 * tmp[c + x]! + k1 * (tmp[m1 + x]! + tmp[p1 + x]!);
      if (r >= 2) v += k2 * (tmp[m2 + x]! + tmp[p2 + x]!);
      if (r >= 3) v += k3 * (tmp[m3 + x]! + tmp[p3 + x]!);
      if (r >= 4) v += k4 * (tmp[m4 + x]! + tmp[p4 + x]!);
      data[o + x] = v;
    }
    if (log !== null) negLogInPlace(data, bits!, o, o + w, log, acc!.sum, acc!.rowBase(y), acc!.xmap);
  }
}

/** Blurs `p` in place with a Gaussian of `sigma` pixels (see {@link blurColumns} for `post`). */
export function gaussianBlur(p: Plane, sigma: number, post: 'none' | { log: number; accumulate: BlockAccumulator } = 'none'): void {
  const { width: w, height: h, data } = p;
  const k = gaussianTaps(Math.max(sigma, 0.3));
  const tmp = scratchPlane(w * h);
  const line = rowBuffer(w);
  for (let y = 0; y < h; y++) {
    line.set(data.subarray(y * w, y * w + w), 4);
    convolveRow(line, w, tmp, y * w, k);
  }
  blurColumns(tmp, p, k, post);
}
