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
let padded = new Float32Array(0);

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

/**
 * Blurs `p` with a Gaussian of `sigma` pixels, then maps every value v to `post`: `'none'` keeps it,
 * `{ log: ln0 }` writes ln0 − ln(max(v, 1)) (the detector's logarithmic response) and adds the
 * result into `accumulate` (a low-pass of the log image), fused here to save passes over the image.
 */
export function gaussianBlur(p: Plane, sigma: number, post: 'none' | { log: number; accumulate: BlockAccumulator } = 'none'): void {
  const { width: w, height: h, data } = p;
  const k = gaussianTaps(Math.max(sigma, 0.3));
  const r = k.length - 1;
  if (scratch.length < w * h) scratch = new Float32Array(w * h);
  const tmp = scratch;
  // rows: data → tmp, through an edge-padded copy of the row
  if (padded.length < Math.max(w, h) + 8) padded = new Float32Array(Math.max(w, h) + 8);
  const line = padded;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    line.set(data.subarray(o, o + w), 4);
    for (let j = 1; j <= 4; j++) {
      line[4 - j] = data[o]!;
      line[3 + w + j] = data[o + w - 1]!;
    }
    convolve(line, tmp, o, w, k);
  }
  // columns: tmp → data; each output row combines 2r + 1 input rows
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
