/**
 * Min-max normalisation of CAM maps to [0, 1] for display, per map: (v − min) / (max − min), as in
 * Zhou et al. 2016's visualisations. A constant map (max = min) carries no localisation and becomes all
 * zeros rather than NaN. The normalised map shows *where* the class evidence is relative to the rest
 * of the image, not how strong it is: compare raw maps (or pass a fixed `range`) across images.
 */
import { AffnetError } from '../errors.js';
import type { MapBatch } from './class-activation.js';

export interface NormaliseOptions {
  /** A fixed [min, max] for every map instead of each map's own (values outside are clipped). */
  range?: [number, number];
}

export function normaliseMap(maps: MapBatch, options: NormaliseOptions = {}): MapBatch {
  const [n, h, w] = maps.shape;
  const cells = h * w;
  if (options.range && !(options.range[1] > options.range[0])) {
    throw new AffnetError('E_OPTION_INVALID', `cam: normalise range [${options.range.join(', ')}] needs max > min`);
  }
  const out = new Float32Array(maps.data.length);
  for (let b = 0; b < n; b++) {
    const map = maps.data.subarray(b * cells, (b + 1) * cells);
    let [lo, hi] = options.range ?? [Infinity, -Infinity];
    if (!options.range) {
      for (const v of map) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (!(hi > lo)) continue; // constant map: zeros
    const scale = 1 / (hi - lo);
    for (let p = 0; p < cells; p++) out[b * cells + p] = Math.min(1, Math.max(0, (map[p]! - lo) * scale));
  }
  return { data: out, shape: [n, h, w] };
}
