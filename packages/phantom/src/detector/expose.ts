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
import { gaussianBlur } from './blur.js';
import { BlockAccumulator, blurSmall, lowpassPlan, Upsampler } from './lowpass.js';
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
 * Turns the line integrals in `attenuation` (overwritten: it is used as working memory) into stored
 * values in [0, 2^bits − 1]. Draws noise from `rng`. Five passes over the image: primary (+ scatter
 * source), scatter + noise, blur rows, blur columns + log (+ low-pass source), enhancement + window.
 */
export function expose(attenuation: Plane, acq: Acquisition, rng: Rng): Uint16Array {
  const { width: w, height: h } = attenuation;
  const d = attenuation.data;
  const inside = new Uint8Array(w * h);
  scanConvex(acq.field, w, h, (y, x0, x1) => inside.fill(1, y * w + x0, y * w + x1 + 1));
  addMarker(d, w, h, acq.marker, -Math.log(LEAD_T), -Math.log(TAB_T));
  // 1. primary intensity (with the anode heel), summed into blocks for the scatter low-pass
  const scatterPlan = lowpassPlan(acq.scatterSigma);
  const scatterSource = new BlockAccumulator(w, h, scatterPlan.factor);
  const { xmap, sum } = scatterSource;
  const expMax = EXP_TABLE.length - 2;
  for (let y = 0; y < h; y++) {
    const n0 = acq.photons * (1 + acq.heel * (y / (h - 1) - 0.5));
    const o = y * w;
    const sb = scatterSource.rowBase(y);
    for (let x = 0; x < w; x++) {
      const i = o + x;
      const g = d[i]! * 512;
      let t = 0;
      if (g < expMax) {
        const k = g | 0;
        t = EXP_TABLE[k]! + (EXP_TABLE[k + 1]! - EXP_TABLE[k]!) * (g - k);
      }
      const v = n0 * t * (inside[i] ? 1 : BLADE_T);
      d[i] = v;
      // scatter arises where the beam interacts: the primary times the fraction that interacted
      sum[sb + xmap[x]!]! += v * (1 - t);
    }
  }
  // 2. scatter, then quantum noise on primary + scatter
  const scatter = scatterSource.finish();
  blurSmall(scatter, scatterPlan.radius);
  addScatterAndNoise(attenuation, new Upsampler(scatter, w), acq.scatter, rng);
  // 3–4. blur (the scintillator spreads the noise too), logarithmic response v = ln(N0 / I)
  const enhancePlan = lowpassPlan(acq.enhancementSigma);
  const logSource = new BlockAccumulator(w, h, enhancePlan.factor);
  gaussianBlur(attenuation, acq.blur, { log: Math.log(acq.photons), accumulate: logSource });
  // 5. edge enhancement / dynamic range compression v + g·(v − lowpass(v)), window, tone, quantisation
  const low = logSource.finish();
  blurSmall(low, enhancePlan.radius);
  const up = new Upsampler(low, w);
  const g = acq.enhancement;
  const [lo, hi] = windowOf(d, inside, w, up, g);
  const max = 2 ** acq.bits - 1;
  const tone = new Uint16Array(TONE_STEPS + 1);
  for (let k = 0; k <= TONE_STEPS; k++) tone[k] = Math.round(max * (0.02 + 0.96 * Math.pow(k / TONE_STEPS, acq.gamma)));
  const out = new Uint16Array(d.length);
  const scale = TONE_STEPS / (hi > lo ? hi - lo : 1);
  for (let y = 0; y < h; y++) {
    const row = up.at(y);
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const v = d[o + x]!;
      let t = (v + g * (v - row[x]!) - lo) * scale;
      t = t < 0 ? 0 : t > TONE_STEPS ? TONE_STEPS : t;
      out[o + x] = tone[(t + 0.5) | 0]!;
    }
  }
  return out;
}

function addScatterAndNoise(p: Plane, scatter: Upsampler, fraction: number, rng: Rng): void {
  const { width: w, height: h, data } = p;
  for (let y = 0; y < h; y++) {
    const row = scatter.at(y);
    const o = y * w;
    for (let x = 0; x < w; x++) data[o + x]! += fraction * row[x]!;
    addQuantumNoise(data.subarray(o, o + w), rng);
  }
}

const TONE_STEPS = 65535;
/** Line integral where the anatomy starts for the window (≈ 45 mm of muscle). */
const ANATOMY = 1;


/**
 * The window: from the 0.5th percentile of the anatomy (field pixels above a tenth of the field's
 * range, so direct exposure is left out and shows black) to the 99.9th percentile of the field.
 */
function windowOf(d: Float32Array, mask: Uint8Array, width: number, low: Upsampler, gain: number): [number, number] {
  // every third pixel of every third row (enhanced as the output will be): plenty for percentiles
  const sample: number[] = [];
  for (let y = 1; y * width < d.length; y += 3) {
    const row = low.at(y);
    for (let x = 1, i = y * width + 1; x < width; x += 3, i += 3) if (mask[i]) sample.push(d[i]! + gain * (d[i]! - row[x]!));
  }
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
