/**
 * The thigh's soft tissue: an elliptic cylinder of muscle inside a layer of subcutaneous fat, following
 * the proximal fragment's axis. An ellipse with half axes (wl, wa) seen at view angle ψ has half width
 * E = √(wl²cos²ψ + wa²sin²ψ) and chord 2·wl·wa·√(E² − x²)/E² at offset x. @internal
 */
import { affine, type Affine } from '@affnet/core';
import { MU } from '../anatomy/materials.js';
import { thighSection, type FemurAnatomy } from '../anatomy/femur.js';
import type { Plane } from './raster.js';

const STEP = 0.25;

/** Writes (overwrites) the soft-tissue line integral into every pixel of `plane`. */
export function rasterSoftTissue(plane: Plane, toImage: Affine, psi: number, a: FemurAnatomy): void {
  const inv = affine.invert(toImage);
  const [i0, i1, i2, i3, i4, i5] = inv;
  const { width, height, data } = plane;
  const ss = [
    [0, 0],
    [width - 1, 0],
    [0, height - 1],
    [width - 1, height - 1],
  ].map(([x, y]) => i3 * x! + i4 * y! + i5);
  const sMin = Math.min(...ss) - 1;
  const n = Math.ceil((Math.max(...ss) + 1 - sMin) / STEP) + 2;
  // one interleaved table (centre, E² and chord factor of the skin ellipse, then of the muscle one),
  // sampled at the middle of each STEP so that truncation picks the nearest sample
  const lut = new Float64Array(n * 5);
  const c = Math.cos(psi);
  const sn = Math.sin(psi);
  const E2 = (wl: number, wa: number) => wl * wl * c * c + wa * wa * sn * sn;
  for (let i = 0; i < n; i++) {
    const t = thighSection(a, sMin + (i + 0.5) * STEP);
    const e2o = E2(t.halfWidth, t.halfDepth);
    const wl = Math.max(1, t.halfWidth - a.fat);
    const wa = Math.max(1, t.halfDepth - a.fat);
    const e2i = E2(wl, wa);
    lut[i * 5] = t.lateral * c + t.anterior * sn;
    lut[i * 5 + 1] = e2o;
    lut[i * 5 + 2] = (MU.fat * 2 * t.halfWidth * t.halfDepth) / e2o;
    lut[i * 5 + 3] = e2i;
    lut[i * 5 + 4] = ((MU.muscle - MU.fat) * 2 * wl * wa) / e2i;
  }
  const invStep = 1 / STEP;
  for (let y = 0; y < height; y++) {
    let h = i1 * y + i2;
    let s = i4 * y + i5;
    const row = y * width;
    for (let x = 0; x < width; x++, h += i0, s += i3) {
      const i = ((s - sMin) * invStep) | 0;
      const o = i * 5;
      const dh = h - lut[o]!;
      const d2 = dh * dh;
      const oo = lut[o + 1]! - d2;
      if (oo <= 0) {
        data[row + x] = 0;
        continue;
      }
      const ii = lut[o + 3]! - d2;
      data[row + x] = lut[o + 2]! * Math.sqrt(oo) + (ii > 0 ? lut[o + 4]! * Math.sqrt(ii) : 0);
    }
  }
}
