/**
 * The lateral cortex next to the fracture, measured from the pixels: at positions along the shaft,
 * the grey profile across the lateral half gives the outer (periosteal) edge and the inner
 * (endosteal) edge of the cortex, each where the profile crosses halfway between the cortex's peak
 * and the level outside (soft tissue) or inside (medullary canal). Beaking shows as the outer edge
 * moving out and the cortex thickening towards the fracture line (ASBMR major feature).
 */
import type { Point } from '@affnet/core';
import { sampleAt, type GreyImage } from './sample.js';

export interface CortexSample {
  /** Position along the shaft from the reference point, mm (negative: proximal). */
  offset: number;
  /** Distance of the periosteal edge from the shaft axis, mm. */
  outer: number;
  /** Cortical thickness (periosteal minus endosteal edge), mm. */
  thickness: number;
}

export interface CortexFrame {
  /** Where the fracture line meets the lateral cortex, px. */
  origin: Point;
  /** A point on the shaft axis at the fracture, px. */
  centre: Point;
  along: Point;
  across: Point;
  pxPerMm: number;
  /** Shaft radius, mm. */
  radius: number;
}

export const DEFAULT_OFFSETS = [-5, -8, -12, -20, -35, -50] as const;

export function measureCortex(img: GreyImage, f: CortexFrame, offsets: readonly number[] = DEFAULT_OFFSETS): CortexSample[] {
  const k = f.pxPerMm;
  // the reference position along the shaft: the origin projected onto the axis
  const s0 = (f.origin.x - f.centre.x) * f.along.x + (f.origin.y - f.centre.y) * f.along.y;
  return offsets.map((offset) => {
    const s = s0 + offset * k;
    const base = { x: f.centre.x + f.along.x * s, y: f.centre.y + f.along.y * s };
    // profile from the axis outwards to 1.6 radii, 0.1 mm steps, averaged over ±1 mm along the shaft
    const stepMm = 0.1;
    const n = Math.round((1.6 * f.radius) / stepMm);
    const prof = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = i * stepMm * k;
      let sum = 0;
      let m = 0;
      for (let a = -1; a <= 1; a += 0.5) {
        const v = sampleAt(img, base.x + f.across.x * r + f.along.x * a * k, base.y + f.across.y * r + f.along.y * a * k);
        if (!Number.isNaN(v)) {
          sum += v;
          m++;
        }
      }
      prof[i] = m ? sum / m : Number.NaN;
    }
    // the cortex peak lies in the outer half of the radius (or beyond it, on a beak)
    let peak = Math.round((0.5 * f.radius) / stepMm);
    for (let i = peak; i < n; i++) if (prof[i]! > prof[peak]!) peak = i;
    const outside = prof[n - 1]!;
    const canal = Math.min(...Array.from(prof.subarray(0, Math.max(1, peak))).filter((v) => !Number.isNaN(v)));
    const outerLevel = 0.5 * (prof[peak]! + outside);
    const innerLevel = 0.5 * (prof[peak]! + canal);
    let outer = peak;
    while (outer < n - 1 && prof[outer]! > outerLevel) outer++;
    let inner = peak;
    while (inner > 0 && prof[inner]! > innerLevel) inner--;
    return { offset, outer: outer * stepMm, thickness: (outer - inner) * stepMm };
  });
}
