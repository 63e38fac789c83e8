/**
 * The fracture surface as seen by one fragment, in that fragment's view-plane coordinates (h across,
 * s along the shaft, w along the beam). The surface is the plane s − sF = −kh·(h − hF) − kw·(w − wF),
 * bent medially by the medial spike; a fragment keeps the bone on its side, minus half the gap.
 * Along one ray (fixed h, s) the plane splits the depth w once, so path lengths stay exact. @internal
 */

export type KeepSide = 'proximal' | 'distal';

export interface CutSpec {
  keep: KeepSide;
  sF: number;
  hF: number;
  wF: number;
  kh: number;
  kw: number;
  /** Extra slope of the medial part (tan of the spike angle) and its sign (+1: spike points proximally). */
  spikeSlope: number;
  spikeSign: number;
  /** Where the spike starts, mm medial of the centre (scaled by cos ψ: the spike is seen on AP views). */
  spikeStart: number;
  cosPsi: number;
  gap: number;
  /** Beyond |s − sF| > band the whole ray lies on one side. */
  band: number;
}

/** Result codes of {@link CutEvaluator.evaluate}. */
export const KEEP_NONE = 0;
export const KEEP_ALL = 1;
export const KEEP_BELOW = 2;
export const KEEP_ABOVE = 3;

export class CutEvaluator {
  /** The w limit when the result is KEEP_BELOW (w < limit) or KEEP_ABOVE (w > limit). */
  limit = 0;
  private readonly proximal: boolean;

  constructor(readonly spec: CutSpec) {
    this.proximal = spec.keep === 'proximal';
  }

  /** Medial spike offset of the surface at h (mm along s). */
  spike(hp: number): number {
    const c = this.spec;
    if (c.spikeSlope === 0) return 0;
    const m = -hp * c.cosPsi - c.spikeStart;
    return m > 0 ? c.spikeSign * c.spikeSlope * m : 0;
  }

  /** s of the surface at (h, w). */
  surfaceS(h: number, w: number): number {
    const c = this.spec;
    const hp = h - c.hF;
    return c.sF - c.kh * hp - c.kw * (w - c.wF) + this.spike(hp);
  }

  evaluate(s: number, h: number): number {
    const c = this.spec;
    const ds = s - c.sF;
    if (ds > c.band) return this.proximal ? KEEP_NONE : KEEP_ALL;
    if (ds < -c.band) return this.proximal ? KEEP_ALL : KEEP_NONE;
    const hp = h - c.hF;
    // surface: ds + kh·hp − spike + kw·(w − wF) = 0
    const base = ds + c.kh * hp - this.spike(hp);
    const g = (this.proximal ? -c.gap / 2 : c.gap / 2) - base;
    if (Math.abs(c.kw) < 1e-9) {
      if (this.proximal) return g > 0 ? KEEP_ALL : KEEP_NONE;
      return g < 0 ? KEEP_ALL : KEEP_NONE;
    }
    this.limit = c.wF + g / c.kw;
    const below = this.proximal === c.kw > 0;
    return below ? KEEP_BELOW : KEEP_ABOVE;
  }
}

/** Clips the depth interval [lo, hi] by an evaluated cut; returns the kept [lo, hi] in `out`. */
export function clipDepth(code: number, limit: number, lo: number, hi: number, out: Float64Array): boolean {
  if (code === KEEP_NONE) return false;
  if (code === KEEP_BELOW) hi = Math.min(hi, limit);
  else if (code === KEEP_ABOVE) lo = Math.max(lo, limit);
  out[0] = lo;
  out[1] = hi;
  return hi > lo;
}
