/**
 * Raster helpers for the projection: a Float32 image, the pixel rows and column span a convex polygon
 * covers, and interval overlaps for path lengths along a ray. @internal
 */
import type { Point } from '@affnet/core';

export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

export const createPlane = (width: number, height: number): Plane => ({ width, height, data: new Float32Array(width * height) });

/**
 * The pixels a group of parts touched, as one inclusive column span per row (lo > hi: none), so that
 * adding a group into the total visits only those pixels.
 */
export class RowSpans {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  yMin = Infinity;
  yMax = -Infinity;

  constructor(height: number, width: number) {
    this.lo = new Int32Array(height).fill(width);
    this.hi = new Int32Array(height).fill(-1);
  }

  grow(y: number, x0: number, x1: number): void {
    if (x0 < this.lo[y]!) this.lo[y] = x0;
    if (x1 > this.hi[y]!) this.hi[y] = x1;
    if (y < this.yMin) this.yMin = y;
    if (y > this.yMax) this.yMax = y;
  }
}

/**
 * Calls `row(y, x0, x1)` for every pixel row the convex polygon crosses, with the inclusive column
 * span of pixel centres inside it, clipped to the plane.
 */
export function scanConvex(poly: readonly Point[], width: number, height: number, row: (y: number, x0: number, x1: number) => void): void {
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const p of poly) {
    ymin = Math.min(ymin, p.y);
    ymax = Math.max(ymax, p.y);
  }
  const yStart = Math.max(0, Math.ceil(ymin));
  const yEnd = Math.min(height - 1, Math.floor(ymax));
  const n = poly.length;
  for (let y = yStart; y <= yEnd; y++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = poly[i]!;
      const b = poly[(i + 1) % n]!;
      if ((a.y <= y && b.y >= y) || (b.y <= y && a.y >= y)) {
        if (a.y === b.y) {
          lo = Math.min(lo, a.x, b.x);
          hi = Math.max(hi, a.x, b.x);
        } else {
          const x = a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y);
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
    }
    const x0 = Math.max(0, Math.ceil(lo));
    const x1 = Math.min(width - 1, Math.floor(hi));
    if (x0 > x1) continue;
    row(y, x0, x1);
  }
}

/** Length of the overlap of [a0, a1] and [b0, b1] (0 when disjoint). */
export function overlap(a0: number, a1: number, b0: number, b1: number): number {
  const lo = a0 > b0 ? a0 : b0;
  const hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

/** Adds `src` into `dst` over the touched `spans` and clears `src` there (group buffers are reused). */
export function addAndClear(dst: Plane, src: Plane, spans: RowSpans): void {
  const w = dst.width;
  for (let y = spans.yMin; y <= spans.yMax; y++) {
    const o = y * w;
    for (let x = spans.lo[y]!, x1 = spans.hi[y]!; x <= x1; x++) {
      const v = src.data[o + x]!;
      if (v !== 0) {
        dst.data[o + x]! += v;
        src.data[o + x] = 0;
      }
    }
  }
}
