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
  const n = Math.ceil((Math.max(...ss) + 1 - sMin) / STEP) + 1;
  const hc = new Float32Array(n);
  const e2o = new Float32Array(n);
  const ko = new Float32Array(n);
  const e2i = new Float32Array(n);
  const ki = new Float32Array(n);
  const c = Math.cos(psi);
  const sn = Math.sin(psi);
  for (let i = 0; i < n; i++) {
    const t = thighSection(a, sMin + i * STEP);
    hc[i] = t.lateral * c + t.anterior * sn;
    const E2 = (wl: number, wa: number) => wl * wl * c * c + wa * wa * sn * sn;
    e2o[i] = E2(t.halfWidth, t.halfDepth);
    ko[i] = (MU.fat * 2 * t.halfWidth * t.halfDepth) / e2o[i]!;
    const wl = Math.max(1, t.halfWidth - a.fat);
    const wa = Math.max(1, t.halfDepth - a.fat);
    e2i[i] = E2(wl, wa);
    ki[i] = ((MU.muscle - MU.fat) * 2 * wl * wa) / e2i[i]!;
  }
  const invStep = 1 / STEP;
  for (let y = 0; y < height; y++) {
    let h = i1 * y + i2;
    let s = i4 * y + i5;
    const row = y * width;
    for (let x = 0; x < width; x++, h += i0, s += i3) {
      const i = Math.round((s - sMin) * invStep);
      const dh = h - hc[i]!;
      const d2 = dh * dh;
      let v = 0;
      const oo = e2o[i]! - d2;
      if (oo > 0) {
        v = ko[i]! * Math.sqrt(oo);
        const ii = e2i[i]! - d2;
        if (ii > 0) v += ki[i]! * Math.sqrt(ii);
      }
      data[row + x] = v;
    }
  }
}
