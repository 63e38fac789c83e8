/**
 * A wide, cheap low-pass filter: average down by an integer factor, box-blur three times (≈ Gaussian)
 * at the small size, and interpolate back up bilinearly. Used for scatter and for the large-kernel
 * unsharp mask of the image processing; both only need the low frequencies. @internal
 */
export interface SmallPlane {
  width: number;
  height: number;
  factor: number;
  data: Float32Array;
}

/**
 * Block sums for a downsample by `factor`, filled by the caller inside its own pass over the image
 * (`sum[rowBase(y) + xmap[x]] += v`), so the low-pass costs no extra pass. {@link finish} averages.
 */
export class BlockAccumulator {
  readonly w: number;
  readonly h: number;
  readonly xmap: Int32Array;
  readonly sum: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly factor: number,
  ) {
    this.w = Math.ceil(width / factor);
    this.h = Math.ceil(height / factor);
    this.sum = new Float32Array(this.w * this.h);
    this.xmap = new Int32Array(width);
    for (let x = 0; x < width; x++) this.xmap[x] = (x / factor) | 0;
  }

  rowBase(y: number): number {
    return ((y / this.factor) | 0) * this.w;
  }

  /** Block averages (the last column and row of blocks may be smaller). */
  finish(): SmallPlane {
    const { w, h, factor, sum } = this;
    const lastW = this.width - (w - 1) * factor;
    const lastH = this.height - (h - 1) * factor;
    for (let j = 0; j < h; j++) {
      const bh = j === h - 1 ? lastH : factor;
      for (let i = 0; i < w; i++) sum[j * w + i]! /= bh * (i === w - 1 ? lastW : factor);
    }
    return { width: w, height: h, factor, data: sum };
  }
}

/** Factor and box radius of the down/up-sampling low-pass that approximates a Gaussian of σ px. */
export function lowpassPlan(sigma: number): { factor: number; radius: number } {
  const factor = Math.max(2, Math.round(sigma / 4));
  const radius = Math.max(1, Math.round((-1 + Math.sqrt(1 + 4 * (sigma / factor) ** 2)) / 2));
  return { factor, radius };
}

function boxPass(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, horizontal: boolean): void {
  const n = horizontal ? w : h;
  const lines = horizontal ? h : w;
  const stride = horizontal ? 1 : w;
  for (let l = 0; l < lines; l++) {
    const base = horizontal ? l * w : l;
    let acc = 0;
    // edge-replicating window sum
    for (let k = -r; k <= r; k++) acc += src[base + Math.min(n - 1, Math.max(0, k)) * stride]!;
    for (let i = 0; i < n; i++) {
      dst[base + i * stride] = acc / (2 * r + 1);
      const add = Math.min(n - 1, i + r + 1);
      const rem = Math.max(0, i - r);
      acc += src[base + add * stride]! - src[base + rem * stride]!;
    }
  }
}

/** Three box passes per axis of radius r: close to a Gaussian of σ = √(r(r + 1)) small pixels (each box has variance r(r + 1)/3). */
export function blurSmall(s: SmallPlane, r: number): void {
  if (r < 1) return;
  const tmp = new Float32Array(s.data.length);
  for (let k = 0; k < 3; k++) {
    boxPass(s.data, tmp, s.width, s.height, r, true);
    boxPass(tmp, s.data, s.width, s.height, r, false);
  }
}

/** Bilinear value of a small plane at full-resolution pixel coordinates (x, y). */
export function sampleSmall(s: SmallPlane, x: number, y: number): number {
  const gx = Math.min(s.width - 1, Math.max(0, (x + 0.5) / s.factor - 0.5));
  const gy = Math.min(s.height - 1, Math.max(0, (y + 0.5) / s.factor - 0.5));
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const x1 = Math.min(s.width - 1, x0 + 1);
  const y1 = Math.min(s.height - 1, y0 + 1);
  const tx = gx - x0;
  const ty = gy - y0;
  const d = s.data;
  const top = d[y0 * s.width + x0]! + (d[y0 * s.width + x1]! - d[y0 * s.width + x0]!) * tx;
  const bottom = d[y1 * s.width + x0]! + (d[y1 * s.width + x1]! - d[y1 * s.width + x0]!) * tx;
  return top + (bottom - top) * ty;
}

/**
 * Bilinear up-sampling back to full resolution, one row at a time (the caller loops over rows).
 * The small pixel (i, j) covers full pixels [i·f, (i+1)·f), centred at (i + ½)·f − ½. Separable: the
 * small row is interpolated vertically first, then each run of full pixels between two small-pixel
 * centres is a linear ramp (one add per pixel).
 */
export class Upsampler {
  /** Runs of full pixels: first x, small index a, weight of a + 1 at the first x, its step per pixel. */
  private readonly runX: Int32Array;
  private readonly runA: Int32Array;
  private readonly runT: Float64Array;
  private readonly runDt: Float64Array;
  private readonly runs: number;
  private readonly small: Float64Array;
  /** The interpolated values of the last row asked for. */
  readonly row: Float32Array;

  constructor(
    private readonly s: SmallPlane,
    readonly width: number,
  ) {
    this.row = new Float32Array(width);
    this.small = new Float64Array(s.width + 1);
    const xs: number[] = [];
    const as: number[] = [];
    const ts: number[] = [];
    const dts: number[] = [];
    let prev = -1;
    for (let x = 0; x < width; x++) {
      const gx = Math.min(s.width - 1, Math.max(0, (x + 0.5) / s.factor - 0.5));
      const a = Math.floor(gx);
      // a new run where the small index changes or the clamp starts/ends (there the weight stays 0)
      const clamped = gx === 0 || gx === s.width - 1 ? 1 : 0;
      const key = a * 2 + clamped;
      if (key !== prev) {
        xs.push(x);
        as.push(a);
        ts.push(gx - a);
        dts.push(clamped ? 0 : 1 / s.factor);
        prev = key;
      }
    }
    xs.push(width);
    this.runX = Int32Array.from(xs);
    this.runA = Int32Array.from(as);
    this.runT = Float64Array.from(ts);
    this.runDt = Float64Array.from(dts);
    this.runs = as.length;
  }

  /** Fills {@link row} for full-resolution row y and returns it. */
  at(y: number): Float32Array {
    const { s, row, small, runX, runA, runT, runDt } = this;
    const gy = Math.min(s.height - 1, Math.max(0, (y + 0.5) / s.factor - 0.5));
    const y0 = Math.floor(gy);
    const ty = gy - y0;
    const r0 = y0 * s.width;
    const r1 = Math.min(s.height - 1, y0 + 1) * s.width;
    const d = s.data;
    const sw = s.width;
    for (let i = 0; i < sw; i++) small[i] = d[r0 + i]! + (d[r1 + i]! - d[r0 + i]!) * ty;
    small[sw] = small[sw - 1]!;
    if (s.factor === 2) {
      // full pixels 2i + 1 and 2i + 2 lie ¼ and ¾ of the way from small pixel i to i + 1 (clamped at the ends)
      const n = this.width;
      row[0] = small[0]!;
      for (let i = 0, x = 1; x < n; i++, x += 2) {
        const a = small[i]!;
        const b = small[i + 1]!;
        row[x] = 0.75 * a + 0.25 * b;
        if (x + 1 < n) row[x + 1] = 0.25 * a + 0.75 * b;
      }
      return row;
    }
    for (let k = 0; k < this.runs; k++) {
      const a = runA[k]!;
      const base = small[a]!;
      const slope = small[a + 1]! - base;
      let v = base + slope * runT[k]!;
      const step = slope * runDt[k]!;
      for (let x = runX[k]!, end = runX[k + 1]!; x < end; x++, v += step) row[x] = v;
    }
    return row;
  }
}
