/**
 * Activation range statistics for int8 calibration: a running minimum/maximum, and a histogram
 * for the percentile method (the range that keeps `percentile` % of the values and clips the
 * rare outliers, as in TensorRT's and ONNX Runtime's percentile calibrators — Wu et al. 2020,
 * "Integer Quantization for Deep Learning Inference", NVIDIA, section 4.2).
 */
export const HISTOGRAM_BINS = 2048;

export class RangeStats {
  min = Infinity;
  max = -Infinity;
  private hist?: Float64Array;
  private lo = 0;
  private hi = 0;

  addMinMax(data: Float32Array): void {
    let mn = this.min;
    let mx = this.max;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    this.min = mn;
    this.max = mx;
  }

  /** Second pass: histogram over the [min, max] seen in the first pass. */
  addHistogram(data: Float32Array): void {
    if (!this.hist) {
      this.hist = new Float64Array(HISTOGRAM_BINS);
      this.lo = this.min;
      this.hi = this.max > this.min ? this.max : this.min + 1;
    }
    const scale = HISTOGRAM_BINS / (this.hi - this.lo);
    const h = this.hist;
    for (let i = 0; i < data.length; i++) {
      const b = Math.floor((data[i]! - this.lo) * scale);
      h[b < 0 ? 0 : b >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : b]!++;
    }
  }

  /**
   * [low, high] holding `percentile` % of the values on each tail that lies away from zero (a map
   * that is ≥ 0 keeps 0 as its low end).
   */
  percentileRange(percentile: number): [number, number] {
    if (!this.hist) return [this.min, this.max];
    const total = this.hist.reduce((a, b) => a + b, 0);
    const tail = total * (1 - percentile / 100);
    const width = (this.hi - this.lo) / HISTOGRAM_BINS;
    let acc = 0;
    let high = this.hi;
    for (let b = HISTOGRAM_BINS - 1; b >= 0; b--) {
      acc += this.hist[b]!;
      if (acc > tail) {
        high = this.lo + (b + 1) * width;
        break;
      }
    }
    let low = this.lo;
    if (this.lo < 0) {
      acc = 0;
      for (let b = 0; b < HISTOGRAM_BINS; b++) {
        acc += this.hist[b]!;
        if (acc > tail) {
          low = this.lo + b * width;
          break;
        }
      }
    }
    return [Math.min(low, this.max), Math.max(high, this.min)];
  }
}

/** uint8 asymmetric parameters for [min, max] (the range always holds 0, so 0 is exact). */
export function uint8Params(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (!(hi > lo)) return { scale: 1, zeroPoint: 0 };
  const scale = (hi - lo) / 255;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}
