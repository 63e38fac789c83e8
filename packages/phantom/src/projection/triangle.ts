/** Triangles in a view plane (h, s) with a fast inside test, for comminution wedges. @internal */
import type { Point } from '@affnet/core';

/** Three edge functions e(h, s) = a·h + b·s + c, all ≥ 0 inside; and the vertices. */
export interface Triangle {
  edges: Float64Array;
  vertices: readonly [Point, Point, Point];
}

/** A triangle from its vertices (x = h, y = s), in either winding. */
export function triangle(p: Point, q: Point, r: Point): Triangle {
  const area = (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
  const o = area >= 0 ? 1 : -1;
  const edges = new Float64Array(9);
  const vs = [p, q, r];
  for (let i = 0; i < 3; i++) {
    const a = vs[i]!;
    const b = vs[(i + 1) % 3]!;
    // left of a→b is inside for counter-clockwise (area > 0) triangles
    edges[i * 3] = -(b.y - a.y) * o;
    edges[i * 3 + 1] = (b.x - a.x) * o;
    edges[i * 3 + 2] = ((b.y - a.y) * a.x - (b.x - a.x) * a.y) * o;
  }
  return { edges, vertices: [p, q, r] };
}

export function insideTriangle(t: Triangle, h: number, s: number): boolean {
  const e = t.edges;
  return e[0]! * h + e[1]! * s + e[2]! >= 0 && e[3]! * h + e[4]! * s + e[5]! >= 0 && e[6]! * h + e[7]! * s + e[8]! >= 0;
}
