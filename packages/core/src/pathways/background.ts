/**
 * The background value of a radiograph: what padding and out-of-image areas are filled with.
 *
 * Definition: the median of the pixels in a frame along the image border, `max(1, round(1 %` of the
 * shorter side`))` pixels wide. The border of a radiograph is, in the overwhelming majority of
 * projections, unattenuated air or collimator shadow, so filling with it makes padding look like
 * more of the same background instead of adding an artificial edge the network could learn from
 * (a black pad next to a bright collimator border, say). The median ignores markers, labels and
 * anatomy that touch the border as long as they cover less than half of the frame.
 */
import type { Plane } from '../geometry/plane.js';

/** Width in pixels of the border frame used by {@link borderMedian}. */
export function borderFrameWidth(width: number, height: number): number {
  return Math.max(1, Math.round(0.01 * Math.min(width, height)));
}

/**
 * Median of the border frame of `image` (see the module comment); for an even count, the mean of the
 * two middle values.
 */
export function borderMedian(image: Plane): number {
  const { width: W, height: H, data } = image;
  const k = Math.min(borderFrameWidth(W, H), Math.ceil(W / 2), Math.ceil(H / 2));
  const values = new Float32Array(W * H - Math.max(0, W - 2 * k) * Math.max(0, H - 2 * k));
  let n = 0;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    if (y < k || y >= H - k) {
      values.set(data.subarray(row, row + W), n);
      n += W;
    } else {
      for (let x = 0; x < k; x++) values[n++] = data[row + x]!;
      for (let x = Math.max(k, W - k); x < W; x++) values[n++] = data[row + x]!;
    }
  }
  return median(values.subarray(0, n));
}

/** Median of `values` (reorders them in place), by Hoare's quickselect: O(n) on average. */
export function median(values: Float32Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const hi = select(values, n >> 1);
  if (n % 2 === 1) return hi;
  // The lower middle is the largest value left of the upper middle after selection.
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (values[i]! > lo) lo = values[i]!;
  return (lo + hi) / 2;
}

function select(a: Float32Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}
