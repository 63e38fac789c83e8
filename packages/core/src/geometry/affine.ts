/**
 * 2-D affine transforms as row-major 2×3 matrices [a, b, c, d, e, f]:
 *   x' = a·x + b·y + c,   y' = d·x + e·y + f.
 * Coordinates are pixel coordinates with the centre of the top-left pixel at (0, 0).
 */
export type Affine = readonly [number, number, number, number, number, number];
export interface Point {
  x: number;
  y: number;
}

export const identity: Affine = [1, 0, 0, 0, 1, 0];

export function translate(tx: number, ty: number): Affine {
  return [1, 0, tx, 0, 1, ty];
}

export function scale(sx: number, sy: number = sx): Affine {
  return [sx, 0, 0, 0, sy, 0];
}

/** Rotation by `radians` (counter-clockwise on screen for positive angles, image y pointing down). */
export function rotate(radians: number): Affine {
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  return [c, s, 0, -s, c, 0];
}

/** `compose(a, b)` applies `b` first, then `a` (matrix product a·b). */
export function compose(a: Affine, b: Affine, ...rest: Affine[]): Affine {
  const [a0, a1, a2, a3, a4, a5] = a;
  const [b0, b1, b2, b3, b4, b5] = b;
  const m: Affine = [a0 * b0 + a1 * b3, a0 * b1 + a1 * b4, a0 * b2 + a1 * b5 + a2, a3 * b0 + a4 * b3, a3 * b1 + a4 * b4, a3 * b2 + a4 * b5 + a5];
  return rest.length === 0 ? m : compose(m, rest[0]!, ...rest.slice(1));
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new RangeError('affine transform is not invertible');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

export function apply(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

/** Determinant of the linear part: the factor by which the transform scales areas (negative: a flip). */
export function determinant(m: Affine): number {
  return m[0] * m[4] - m[1] * m[3];
}

/**
 * Rotation angle of the linear part in radians, in the same sense as {@link rotate}
 * (`rotationOf(rotate(t)) === t` for t in (−π, π]); meaningful for similarity transforms.
 */
export function rotationOf(m: Affine): number {
  return Math.atan2(m[1], m[0]);
}

/** Isotropic scale of the linear part, √|det| (the side-length factor of a similarity transform). */
export function scaleOf(m: Affine): number {
  return Math.sqrt(Math.abs(determinant(m)));
}

/** True when the transform has no rotation or shear (only per-axis scale and translation). */
export function isAxisAligned(m: Affine, tolerance = 1e-12): boolean {
  return Math.abs(m[1]) <= tolerance && Math.abs(m[3]) <= tolerance;
}

/** `rotate(radians)` about `centre` instead of the origin. */
export function rotateAbout(radians: number, centre: Point): Affine {
  return compose(translate(centre.x, centre.y), rotate(radians), translate(-centre.x, -centre.y));
}

/** `scale(sx, sy)` about `centre` instead of the origin. */
export function scaleAbout(sx: number, sy: number, centre: Point): Affine {
  return compose(translate(centre.x, centre.y), scale(sx, sy), translate(-centre.x, -centre.y));
}
