/**
 * From line integrals to stored pixel values, as a digital radiography (CR/DX) system does it:
 * primary beam with the anode heel effect, collimator and lead marker, scatter (a low-passed fraction
 * of the primary that interacted in the patient, after the convolution model of Boone & Seibert,
 * Med. Phys. 15(5), 1988), quantum noise, focal-spot and detector
 * blur, logarithmic response, multi-scale edge enhancement (an unsharp mask with a wide kernel), and
 * a window to the stored bit depth chosen from the histogram of the exposed field. Bone is bright.
 */
import type { Point } from '@affnet/core';
import type { Rng } from '../rng.js';
import { scanConvex, type Plane } from '../projection/raster.js';
import { columnRows, convolveColumn, convolveRow, gaussianTaps, rowBuffer } from './blur.js';
import { negLogBits } from './fast-log.js';
import { BlockAccumulator, blurSmall, lowpassPlan, sampleSmall, Upsampler, type SmallPlane } from './lowpass.js';
import { addMarker, type MarkerSpec } from './marker.js';
import { addQuantumNoiseTo } from './noise.js';

export interface Acquisition {
  /** Quanta per pixel of the unattenuated beam (sets the noise: SNR = √counts). */
  photons: number;
  /** Relative intensity change from the top edge to the bottom edge (anode heel effect). */
  heel: number;
  /** Scatter as a fraction of the low-passed interacting primary, and the scatter kernel's σ in px. */
  scatter: number;
  scatterSigma: number;
  /** σ of the total blur, px. */
  blur: number;
  /** Gain of the edge enhancement and the σ of its low-pass, px. */
  enhancement: number;
  enhancementSigma: number;
  /** Exposed field (inside the collimator blades), convex polygon in image px. */
  field: Point[];
  marker: MarkerSpec;
  /** Stored bits (12–16). */
  bits: number;
  /** Tone curve exponent applied after the window (processing differs between systems). */
  gamma: number;
}

/** Transmission of the collimator blades and of the lead letter; the marker's plastic tab. */
const BLADE_T = 0.004;
const LEAD_T = 0.015;
const TAB_T = 0.93;

/** exp(−x) on [0, 16] by linear interpolation in a table (relative error < 5e-7); 0 beyond. */
const EXP_STEP = 1 / 512;
const EXP_TABLE = (() => {
  const t = new Float64Array(16 * 512 + 2);
  for (let i = 0; i < t.length; i++) t[i] = Math.exp(-i * EXP_STEP);
  return t;
})();

/**
 * Turns the line integrals in `attenuation` (overwritten: it is used as working memory) plus the
 * half-resolution `soft` tissue plane (factor 2, bilinearly up-sampled on the fly; omitted: none)
 * into stored values in [0, 2^bits − 1]. Draws noise from `rng`.
 *
 * Two passes over the image, to keep memory traffic low: (1) the primary intensity, summed into blocks
 * for the scatter and for the processing's low-pass; (2) streaming rows: scatter, noise, blur (rows,
 * then columns over a ring of 2r + 1 rows), log, enhancement, window, tone. The processing's low-pass
 * and the window come from the noise-free exposure (the log of block means, and samples of it), so they
 * are known before the streaming pass; quantum noise averages out of both anyway.
 */
export function expose(attenuation: Plane, acq: Acquisition, rng: Rng, soft?: SmallPlane): Uint16Array {
  const { width: w, height: h } = attenuation;
  const d = attenuation.data;
  // exposed field: one column span per row
  const spans = new Int32Array(2 * h);
  for (let y = 0; y < h; y++) spans[2 * y] = w;
  scanConvex(acq.field, w, h, (y, x0, x1) => {
    spans[2 * y] = x0;
    spans[2 * y + 1] = x1;
  });
  addMarker(d, w, h, acq.marker, -Math.log(LEAD_T), -Math.log(TAB_T));
  // 1. primary intensity (with the anode heel)
  const scatterPlan = lowpassPlan(acq.scatterSigma);
  const scatterSource = new BlockAccumulator(w, h, scatterPlan.factor);
  const enhancePlan = lowpassPlan(acq.enhancementSigma);
  const exposureBlocks = new BlockAccumulator(w, h, enhancePlan.factor);
  const { xmap, sum } = scatterSource;
  const ex = exposureBlocks.xmap;
  const es = exposureBlocks.sum;
  // runs of columns that fall in the same block of both accumulators: summed in registers, stored once
  const runs: number[] = [0];
  for (let x = 1; x < w; x++) if (xmap[x] !== xmap[x - 1] || ex[x] !== ex[x - 1]) runs.push(x);
  runs.push(w);
  const runStart = Int32Array.from(runs);
  const softUp = soft ? new Upsampler(soft, w) : undefined;
  const zero = new Float32Array(w);
  const expMax = EXP_TABLE.length - 2;
  for (let y = 0; y < h; y++) {
    const n0 = acq.photons * (1 + acq.heel * (y / (h - 1) - 0.5));
    const o = y * w;
    const sb = scatterSource.rowBase(y);
    const eb = exposureBlocks.rowBase(y);
    const x0 = spans[2 * y]!;
    const x1 = spans[2 * y + 1]!;
    const tissue = softUp ? softUp.at(y) : zero;
    for (let k = 0; k + 1 < runStart.length; k++) {
      const from = runStart[k]!;
      const to = runStart[k + 1]!;
      let scattered = 0;
      let exposed = 0;
      for (let x = from; x < to; x++) {
        const i = o + x;
        const g = (d[i]! + tissue[x]!) * 512;
        let t = 0;
        if (g < expMax) {
          const j = g | 0;
          t = EXP_TABLE[j]! + (EXP_TABLE[j + 1]! - EXP_TABLE[j]!) * (g - j);
        }
        const v = x >= x0 && x <= x1 ? n0 * t : n0 * t * BLADE_T;
        d[i] = v;
        // scatter arises where the beam interacts: the primary times the fraction that interacted
        scattered += v * (1 - t);
        exposed += v;
      }
      sum[sb + xmap[from]!]! += scattered;
      es[eb + ex[from]!]! += exposed;
    }
  }
  const scatter = scatterSource.finish();
  blurSmall(scatter, scatterPlan.radius);
  const frac = acq.scatter;
  const ln0 = Math.log(acq.photons);
  // the processing's low-pass: log of the block means of primary + scatter, blurred
  const low = exposureBlocks.finish();
  for (let j = 0; j < low.height; j++) {
    for (let i = 0; i < low.width; i++) {
      const centre = (k: number) => (k + 0.5) * low.factor - 0.5;
      const total = low.data[j * low.width + i]! + frac * sampleSmall(scatter, centre(i), centre(j));
      low.data[j * low.width + i] = ln0 - Math.log(total > 1 ? total : 1);
    }
  }
  blurSmall(low, enhancePlan.radius);
  const scatterUp = new Upsampler(scatter, w);
  const lowUp = new Upsampler(low, w);
  const g = acq.enhancement;
  const [lo, hi] = windowOf(d, spans, w, scatterUp, frac, lowUp, g, ln0);
  // 2. streaming rows
  const max = 2 ** acq.bits - 1;
  const ln0f = Math.fround(ln0);
  // tone curve max·(0.02 + 0.96·t^γ), interpolated in a table small enough to stay in cache
  const tone = new Float64Array(TONE_STEPS + 2);
  for (let k = 0; k <= TONE_STEPS + 1; k++) tone[k] = max * (0.02 + 0.96 * Math.min(1, k / TONE_STEPS) ** acq.gamma);
  const scale = TONE_STEPS / (hi > lo ? hi - lo : 1);
  const taps = gaussianTaps(Math.max(acq.blur, 0.3));
  const r = taps.length - 1;
  const ringSize = 2 * r + 1;
  const ring = Array.from({ length: ringSize }, () => new Float32Array(w));
  const line = rowBuffer(w);
  const col = new Float32Array(w);
  const colBits = new Int32Array(col.buffer);
  const out = new Uint16Array(d.length);
  for (let y = 0; y < h + r; y++) {
    if (y < h) {
      // scatter and quantum noise on the row, then the blur's row pass into the ring
      addQuantumNoiseTo(line, 4, d, y * w, scatterUp.at(y), frac, w, rng);
      convolveRow(line, w, ring[y % ringSize]!, 0, taps);
    }
    const yo = y - r;
    if (yo < 0) continue;
    // the blur's column pass for output row yo (rows clamped at the edges), log, enhancement, tone
    convolveColumn(
      col,
      w,
      taps,
      columnRows(yo, h, (j) => ring[j % ringSize]!),
    );
    const lowRow = lowUp.at(yo);
    const o = yo * w;
    for (let x = 0; x < w; x++) {
      // c − ln(max(v, 1)) through the float's bits (as negLogInPlace), rounded to float32 as stored there
      const v = col[x]! > 1 ? Math.fround(negLogBits(colBits[x]!, ln0)) : ln0f;
      let t = (v + g * (v - lowRow[x]!) - lo) * scale;
      t = t < 0 ? 0 : t > TONE_STEPS ? TONE_STEPS : t;
      const k = t | 0;
      out[o + x] = (tone[k]! + (tone[k + 1]! - tone[k]!) * (t - k) + 0.5) | 0;
    }
  }
  return out;
}

/** Steps of the tone-curve table. */
const TONE_STEPS = 4096;
/** Line integral where the anatomy starts for the window (≈ 45 mm of muscle). */
const ANATOMY = 1;

/**
 * The window from every fourth pixel of every fourth row of the field, processed as the output will
 * be but without noise (the percentiles of a noise-free image; noise would only widen the tails).
 */
function windowOf(d: Float32Array, spans: Int32Array, width: number, scatter: Upsampler, frac: number, low: Upsampler, gain: number, ln0: number): [number, number] {
  const height = d.length / width;
  const sample = new Float64Array(Math.ceil(height / 4) * Math.ceil(width / 4));
  let n = 0;
  for (let y = 2; y < height; y += 4) {
    const x0 = spans[2 * y]!;
    const x1 = spans[2 * y + 1]!;
    if (x0 > x1) continue;
    const s = scatter.at(y);
    const lp = low.at(y);
    for (let x = x0 + ((4 - (x0 % 4)) % 4), i = y * width + x; x <= x1; x += 4, i += 4) {
      const total = d[i]! + frac * s[x]!;
      const v = ln0 - Math.log(total > 1 ? total : 1);
      sample[n++] = v + gain * (v - lp[x]!);
    }
  }
  return rangeOf(sample.subarray(0, n));
}

function rangeOf(sample: Float64Array): [number, number] {
  let mn = Infinity;
  let mx = -Infinity;
  for (const v of sample) {
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  if (!(mx > mn)) return [0, 1];
  const bins = 4096;
  const hist = new Uint32Array(bins);
  const k = (bins - 1) / (mx - mn);
  for (const v of sample) hist[Math.round((v - mn) * k)]!++;
  const quantile = (from: number, frac: number) => {
    let n = 0;
    for (let b = from; b < bins; b++) n += hist[b]!;
    const target = frac * n;
    let acc = 0;
    for (let b = from; b < bins; b++) {
      acc += hist[b]!;
      if (acc >= target) return mn + b / k;
    }
    return mx;
  };
  // Direct exposure (v near 0) is left out of the low end: the window starts in the anatomy (v above
  // ANATOMY, about 45 mm of soft tissue), so air shows black and the thigh mid-grey.
  const from = Math.min(bins - 1, Math.max(0, Math.round((ANATOMY - mn) * k)));
  return [quantile(from, 0.01), quantile(0, 0.998)];
}
