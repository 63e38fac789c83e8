/** Small 3-vector helpers for the femur frame (s along the shaft, lateral, anterior), in millimetres. @internal */
export type Vec3 = readonly [number, number, number];

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const mul = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export function normalize(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  if (n === 0) throw new RangeError('cannot normalise a zero vector');
  return mul(a, 1 / n);
}

/** An orthonormal basis whose first vector is `axis` (the other two are arbitrary but fixed). */
export function basisFromAxis(axis: Vec3): [Vec3, Vec3, Vec3] {
  const u = normalize(axis);
  const helper: Vec3 = Math.abs(u[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const v = normalize(cross(u, helper));
  return [u, v, cross(u, v)];
}

/** Rotation of `a` about the s axis (the femoral shaft) by `radians`, lateral towards anterior. */
export function rotateAboutShaft(a: Vec3, radians: number): Vec3 {
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  return [a[0], a[1] * c - a[2] * s, a[1] * s + a[2] * c];
}
