/**
 * Parallel projection of an ellipsoid with a cortical shell. For x = p + w·e_w inside xᵀMx ≤ 1 the
 * ray's chord is 2·√(A − q)/A with A = e_wᵀMe_w and q(dh, ds) = A·(2-D part of M) − bbᵀ, b = M·e_w;
 * its midpoint sits at w = w_c − (b·d)/A. The shell is the outer minus an inner ellipsoid (radii
 * minus the shell thickness) that carries the core's attenuation. @internal
 */
import { affine, type Affine, type Point } from '@affnet/core';
import type { BonePart } from '../anatomy/bones.js';
import { dot, type Vec3 } from '../anatomy/vec3.js';
import { clipDepth, type CutEvaluator, KEEP_NONE } from './cut.js';
import { overlap, type Plane, type RowSpans } from './raster.js';

interface Form {
  A: number;
  /** q = hh·dh² + 2·hs·dh·ds + ss·ds² */
  hh: number;
  hs: number;
  ss: number;
  /** b components: the chord midpoint offset is −(bh·dh + bs·ds)/A. */
  bh: number;
  bs: number;
}

/** View basis in the femur frame for a view angle psi: h, s and w (beam) directions. */
export function viewBasis(psi: number): { eh: Vec3; es: Vec3; ew: Vec3 } {
  const c = Math.cos(psi);
  const s = Math.sin(psi);
  return { eh: [0, c, s], es: [1, 0, 0], ew: [0, -s, c] };
}

/** Femur-frame point → view coordinates (h, s, w). */
export function toView(p: Vec3, psi: number): { h: number; s: number; w: number } {
  const { eh, ew } = viewBasis(psi);
  return { h: dot(p, eh), s: p[0], w: dot(p, ew) };
}

function form(axes: readonly [Vec3, Vec3, Vec3], radii: Vec3, psi: number): Form {
  const { eh, es, ew } = viewBasis(psi);
  // M(u, v) = Σ (aᵢ·u)(aᵢ·v)/rᵢ²
  const m = (u: Vec3, v: Vec3) => axes.reduce((acc, ax, i) => acc + (dot(ax, u) * dot(ax, v)) / (radii[i]! * radii[i]!), 0);
  const A = m(ew, ew);
  const bh = m(eh, ew);
  const bs = m(es, ew);
  return { A, hh: A * m(eh, eh) - bh * bh, hs: A * m(eh, es) - bh * bs, ss: A * m(es, es) - bs * bs, bh, bs };
}

const depth = new Float64Array(2);

/**
 * Rasterises a bone part (max-combined into `plane`) through `toImage` (local view plane → image px)
 * at view angle psi; an optional cut keeps only the fragment's side of the fracture surface.
 */
export function rasterEllipsoid(plane: Plane, spans: RowSpans, toImage: Affine, psi: number, part: BonePart, cut: CutEvaluator | null): void {
  const outer = form(part.axes, part.radii, psi);
  const innerRadii: Vec3 = [part.radii[0] - part.shell, part.radii[1] - part.shell, part.radii[2] - part.shell];
  const hasInner = innerRadii.every((r) => r > 0.5);
  const inner = hasInner ? form(part.axes, innerRadii, psi) : outer;
  const c = toView(part.centre, psi);
  // Bounding box of the projected ellipse q ≤ A, in the view plane.
  const det = outer.hh * outer.ss - outer.hs * outer.hs;
  const eh = Math.sqrt((outer.A * outer.ss) / det) + 1;
  const es = Math.sqrt((outer.A * outer.hh) / det) + 1;
  const corners: Point[] = [
    { x: c.h - eh, y: c.s - es },
    { x: c.h + eh, y: c.s - es },
    { x: c.h + eh, y: c.s + es },
    { x: c.h - eh, y: c.s + es },
  ].map((q) => affine.apply(toImage, q));
  const ys = corners.map((q) => q.y);
  const xs = corners.map((q) => q.x);
  const y0 = Math.max(0, Math.ceil(Math.min(...ys)));
  const y1 = Math.min(plane.height - 1, Math.floor(Math.max(...ys)));
  const xmin = Math.max(0, Math.ceil(Math.min(...xs)));
  const xmax = Math.min(plane.width - 1, Math.floor(Math.max(...xs)));
  if (y0 > y1 || xmin > xmax) return;
  const [i0, i1, i2, i3, i4, i5] = affine.invert(toImage);
  // q along a row is a quadratic in x: qa·x² + qb·x + qc.
  const qa = outer.hh * i0 * i0 + 2 * outer.hs * i0 * i3 + outer.ss * i3 * i3;
  const muS = part.muShell;
  const muCore = part.muCore;
  const data = plane.data;
  const A = outer.A;
  const Ai = inner.A;
  for (let y = y0; y <= y1; y++) {
    const e1 = i1 * y + i2 - c.h;
    const e2 = i4 * y + i5 - c.s;
    const qb = 2 * (outer.hh * i0 * e1 + outer.hs * (i0 * e2 + i3 * e1) + outer.ss * i3 * e2);
    const qc = outer.hh * e1 * e1 + 2 * outer.hs * e1 * e2 + outer.ss * e2 * e2;
    const disc = qb * qb - 4 * qa * (qc - A);
    if (disc <= 0) continue;
    const sq = Math.sqrt(disc);
    const xa = Math.max(xmin, Math.ceil((-qb - sq) / (2 * qa)));
    const xb = Math.min(xmax, Math.floor((-qb + sq) / (2 * qa)));
    if (xa > xb) continue;
    spans.grow(y, xa, xb);
    const row = y * plane.width;
    for (let x = xa; x <= xb; x++) {
      const dh = i0 * x + e1;
      const ds = i3 * x + e2;
      const q = outer.hh * dh * dh + 2 * outer.hs * dh * ds + outer.ss * ds * ds;
      if (q >= A) continue;
      const half = Math.sqrt(A - q) / A;
      let halfIn = 0;
      if (hasInner) {
        const qi = inner.hh * dh * dh + 2 * inner.hs * dh * ds + inner.ss * ds * ds;
        if (qi < Ai) halfIn = Math.sqrt(Ai - qi) / Ai;
      }
      let value: number;
      if (cut === null) {
        value = muS * 2 * (half - halfIn) + muCore * 2 * halfIn;
      } else {
        const code = cut.evaluate(ds + c.s, dh + c.h);
        if (code === KEEP_NONE) continue;
        const mid = c.w - (outer.bh * dh + outer.bs * ds) / A;
        if (!clipDepth(code, cut.limit, mid - half, mid + half, depth)) continue;
        const midIn = c.w - (inner.bh * dh + inner.bs * ds) / Ai;
        const coreLen = overlap(depth[0]!, depth[1]!, midIn - halfIn, midIn + halfIn);
        value = muS * (depth[1]! - depth[0]! - coreLen) + muCore * coreLen;
      }
      const o = row + x;
      if (value > data[o]!) data[o] = value;
    }
  }
}
