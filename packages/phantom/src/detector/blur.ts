/**
 * Separable Gaussian blur (focal spot and detector point-spread), edge-replicating. The kernel is
 * truncated at 2σ and at most 4 px (σ ≤ 2 px is what the phantom draws); both passes are written out
 * per radius so that every output pixel is one expression over contiguous rows. @internal
 */
import type { Plane } from '../projection/raster.js';

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
      out[o + x] = k0 * src[c]! + k1 * (src[c - 1]! + src[c + 1]!) + k2 * (src[c - 2]! + src[c + 2]!) + k3 * (src[c - 3]! + src[c + 3]!) + k4 * (src[c - 4]! + src[c + 4]!);
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

/** out[x] = Σ k[|j|]·rows[j][x], rows given as centre, −1, +1, −2, +2, … (r = taps − 1 pairs used). */
export function convolveColumn(out: Float32Array, w: number, k: Float64Array, rows: readonly Float32Array[]): void {
  const r = k.length - 1;
  const [c, m1, p1, m2, p2, m3, p3, m4, p4] = rows as Float32Array[];
  const k0 = k[0]!;
  const k1 = k[1]!;
  const k2 = r >= 2 ? k[2]! : 0;
  const k3 = r >= 3 ? k[3]! : 0;
  const k4 = r >= 4 ? k[4]! : 0;
  // one loop per radius, so that no test runs per pixel
  if (r === 1) for (let x = 0; x < w; x++) out[x] = k0 * c![x]! + k1 * (m1![x]! + p1![x]!);
  else if (r === 2) for (let x = 0; x < w; x++) out[x] = k0 * c![x]! + k1 * (m1![x]! + p1![x]!) + k2 * (m2![x]! + p2![x]!);
  else if (r === 3) {
    for (let x = 0; x < w; x++) out[x] = k0 * c![x]! + k1 * (m1![x]! + p1![x]!) + k2 * (m2![x]! + p2![x]!) + k3 * (m3![x]! + p3![x]!);
  } else {
    for (let x = 0; x < w; x++) {
      out[x] = k0 * c![x]! + k1 * (m1![x]! + p1![x]!) + k2 * (m2![x]! + p2![x]!) + k3 * (m3![x]! + p3![x]!) + k4 * (m4![x]! + p4![x]!);
    }
  }
}

/** The rows a column pass needs for output row y (edge-replicated): centre, −1, +1, … ±4. */
export function columnRows(y: number, h: number, rowAt: (j: number) => Float32Array): Float32Array[] {
  const at = (j: number) => rowAt(j < 0 ? 0 : j >= h ? h - 1 : j);
  return [at(y), at(y - 1), at(y + 1), at(y - 2), at(y + 2), at(y - 3), at(y + 3), at(y - 4), at(y + 4)];
}

/** Blurs `p` in place with a Gaussian of `sigma` pixels (the same passes the detector streams). */
export function gaussianBlur(p: Plane, sigma: number): void {
  const { width: w, height: h, data } = p;
  const k = gaussianTaps(Math.max(sigma, 0.3));
  const rows = Array.from({ length: h }, () => new Float32Array(w));
  const line = rowBuffer(w);
  for (let y = 0; y < h; y++) {
    line.set(data.subarray(y * w, y * w + w), 4);
    convolveRow(line, w, rows[y]!, 0, k);
  }
  const out = new Float32Array(w);
  for (let y = 0; y < h; y++) {
    convolveColumn(
      out,
      w,
      k,
      columnRows(y, h, (j) => rows[j]!),
    );
    data.set(out, y * w);
  }
}
