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
import { blurColumns, convolveRow, gaussianTaps, rowBuffer, scratchPlane } from './blur.js';
import { BlockAccumulator, blurSmall, lowpassPlan, Upsampler, type SmallPlane } from './lowpass.js';
import { addMarker, type MarkerSpec } from './marker.js';
import { addQuantumNoise } from './noise.js';

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
 * into stored values in [0, 2^bits − 1]. Draws noise from `rng`. Four passes over the image:
 * primary (+ scatter source); scatter + noise + blur rows; blur columns + log (+ low-pass source);
 * enhancement + window + tone.
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
  // 1. primary intensity (with the anode heel), summed into blocks for the scatter low-pass
  const scatterPlan = lowpassPlan(acq.scatterSigma);
  const scatterSource = new BlockAccumulator(w, h, scatterPlan.factor);
  const { xmap, sum } = scatterSource;
  const softUp = soft ? new Upsampler(soft, w) : undefined;
  const zero = new Float32Array(w);
  const expMax = EXP_TABLE.length - 2;
  for (let y = 0; y < h; y++) {
    const n0 = acq.photons * (1 + acq.heel * (y / (h - 1) - 0.5));
    const o = y * w;
    const sb = scatterSource.rowBase(y);
    const x0 = spans[2 * y]!;
    const x1 = spans[2 * y + 1]!;
    const tissue = softUp ? softUp.at(y) : zero;
    for (let x = 0; x < w; x++) {
      const i = o + x;
      const g = (d[i]! + tissue[x]!) * 512;
      let t = 0;
      if (g < expMax) {
        const k = g | 0;
        t = EXP_TABLE[k]! + (EXP_TABLE[k + 1]! - EXP_TABLE[k]!) * (g - k);
      }
      const v = x >= x0 && x <= x1 ? n0 * t : n0 * t * BLADE_T;
      d[i] = v;
      // scatter arises where the beam interacts: the primary times the fraction that interacted
      sum[sb + xmap[x]!]! += v * (1 - t);
    }
  }
  // 2. scatter, quantum noise on primary + scatter, then the blur's row pass (the scintillator
  //    spreads the noise too); 3. the blur's column pass with the log response v = ln(N0 / I)
  const scatter = scatterSource.finish();
  blurSmall(scatter, scatterPlan.radius);
  const scatterUp = new Upsampler(scatter, w);
  const taps = gaussianTaps(Math.max(acq.blur, 0.3));
  const tmp = scratchPlane(w * h);
  const line = rowBuffer(w);
  const lineData = line.subarray(4, 4 + w);
  const frac = acq.scatter;
  for (let y = 0; y < h; y++) {
    const row = scatterUp.at(y);
    const o = y * w;
    for (let x = 0; x < w; x++) lineData[x] = d[o + x]! + frac * row[x]!;
    addQuantumNoise(lineData, rng);
    convolveRow(line, w, tmp, o, taps);
  }
  const enhancePlan = lowpassPlan(acq.enhancementSigma);
  const logSource = new BlockAccumulator(w, h, enhancePlan.factor);
  blurColumns(tmp, attenuation, taps, { log: Math.log(acq.photons), accumulate: logSource });
  // 4. edge enhancement / dynamic range compression v + g·(v − lowpass(v)), window, tone, quantisation
  const low = logSource.finish();
  blurSmall(low, enhancePlan.radius);
  const up = new Upsampler(low, w);
  const g = acq.enhancement;
  const [lo, hi] = windowOf(d, spans, w, up, g);
  const max = 2 ** acq.bits - 1;
  // tone curve max·(0.02 + 0.96·t^γ), interpolated in a table small enough to stay in cache
  const tone = new Float64Array(TONE_STEPS + 2);
  for (let k = 0; k <= TONE_STEPS + 1; k++) tone[k] = max * (0.02 + 0.96 * Math.pow(Math.min(1, k / TONE_STEPS), acq.gamma));
  const out = new Uint16Array(d.length);
  const scale = TONE_STEPS / (hi > lo ? hi - lo : 1);
  for (let y = 0; y < h; y++) {
    const row = up.at(y);
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const v = d[o + x]!;
      let t = (v + g * (v - row[x]!) - lo) * scale;
      t = t < 0 ? 0 : t > TONE_STEPS ? TONE_STEPS : t;
      const k = t | 0;
      out[o + x] = (tone[k]! + (tone[k + 1]! - tone[k]!) * (t - k) + 0.5) | 0;
    }
  }
  return out;
}

const TONE_STEPS = 4096;
/** Line integral where the anatomy starts for the window (≈ 45 mm of muscle). */
const ANATOMY = 1;


/**
 * The window: from the 0.5th percentile of the anatomy (field pixels above a tenth of the field's
 * range, so direct exposure is left out and shows black) to the 99.9th percentile of the field.
 */
function windowOf(d: Float32Array, spans: Int32Array, width: number, low: Upsampler, gain: number): [number, number] {
  // every fourth pixel of every fourth row of the field (enhanced as the output will be)
  const height = d.length / width;
  const sample = new Float64Array(Math.ceil(height / 4) * Math.ceil(width / 4));
  let n = 0;
  for (let y = 2; y < height; y += 4) {
    const x0 = spans[2 * y]!;
    const x1 = spans[2 * y + 1]!;
    if (x0 > x1) continue;
    const row = low.at(y);
    for (let x = x0 + ((4 - (x0 % 4)) % 4), i = y * width + x; x <= x1; x += 4, i += 4) sample[n++] = d[i]! + gain * (d[i]! - row[x]!);
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
