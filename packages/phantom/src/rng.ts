/**
 * The random source every draw takes. Values come from core's seeded `createRng`; this is only the
 * shape the phantom uses, so that a draw can be tested with any generator of that shape. @internal
 */
export interface Rng {
  next(): number;
  uniform(a: number, b: number): number;
  normal(): number;
  int(n: number): number;
}

/** True with probability p. */
export const chance = (rng: Rng, p: number): boolean => rng.next() < p;
/** Uniform on [a, b] in log space (exposures, which vary by factors). */
export const logUniform = (rng: Rng, a: number, b: number): number => Math.exp(rng.uniform(Math.log(a), Math.log(b)));
/** ±1 with equal probability. */
export const sign = (rng: Rng): 1 | -1 => (rng.next() < 0.5 ? -1 : 1);
/** Linear blend from `a` (difficulty 0) to `b` (difficulty 1). */
export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
