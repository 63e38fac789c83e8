/**
 * The femur and thigh of one synthetic patient, in the femur frame: s (mm) runs down the shaft from
 * the level of the femoral-head centre (s = 0) to the knee joint line (s = length); `lateral` and
 * `anterior` are the other two axes. Profiles are plain functions of s.
 */
import type { Rng } from '../rng.js';

export interface FemurAnatomy {
  /** Head centre to knee joint line, mm (adult femora 400–500 mm). */
  length: number;
  /** Outer radius of the mid-shaft, mm (diameter 24–32 mm). */
  shaftRadius: number;
  /** Cortical thickness at mid-shaft, mm. */
  cortex: number;
  /** Sagitta of the lateral bow over the diaphysis, mm (seen on AP views). */
  bowLateral: number;
  /** Sagitta of the anterior bow, mm (seen on lateral views; radius of curvature ≈ 1.1–1.4 m). */
  bowAnterior: number;
  /** Neck-shaft angle, degrees (normal 120–135°). */
  neckShaftAngle: number;
  /** Femoral anteversion, degrees. */
  anteversion: number;
  headRadius: number;
  /** Half width and half depth of the mid-thigh soft tissue, mm. */
  thighHalfWidth: number;
  thighHalfDepth: number;
  /** Subcutaneous fat thickness, mm. */
  fat: number;
}

/** First and last s of the shaft tube; the ends are the proximal and distal bone parts (bones.ts). */
export const SHAFT_TOP = 45;
export const shaftBottom = (a: FemurAnatomy): number => a.length - 55;

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
/** Hermite smoothstep on [0, 1]. */
export const smooth = (x: number): number => {
  const t = clamp01(x);
  return t * t * (3 - 2 * t);
};

/** Outer radius of the shaft at s: the subtrochanteric widening and the distal metaphyseal flare. */
export function outerRadius(a: FemurAnatomy, s: number): number {
  return a.shaftRadius * (1 + 0.22 * smooth((110 - s) / 60) + 0.9 * smooth((s - (a.length - 170)) / 115));
}

/** Cortical thickness at s: thickest in the diaphysis, thin at the metaphyses. */
export function cortexThickness(a: FemurAnatomy, s: number): number {
  const t = a.cortex * (1 - 0.5 * smooth((100 - s) / 55) - 0.78 * smooth((s - (a.length - 200)) / 130));
  return Math.min(t, 0.8 * outerRadius(a, s));
}

/** Offset of the shaft centreline from the straight axis at s, as [lateral, anterior] (mm). */
export function bow(a: FemurAnatomy, s: number): [number, number] {
  const s0 = 40;
  const s1 = a.length - 50;
  if (s <= s0 || s >= s1) return [0, 0];
  const k = Math.sin((Math.PI * (s - s0)) / (s1 - s0));
  return [a.bowLateral * k, a.bowAnterior * k];
}

/**
 * The thigh's soft tissue at s: an elliptic cylinder section (half width along `lateral`, half depth
 * along `anterior`, centre offset from the shaft axis). Above the hip it widens into the trunk.
 */
export function thighSection(a: FemurAnatomy, s: number): { halfWidth: number; halfDepth: number; lateral: number; anterior: number } {
  const trunk = smooth((10 - s) / 70);
  const knee = smooth((s - (a.length - 140)) / 130);
  const halfWidth = a.thighHalfWidth * (1 + 0.12 * smooth((120 - s) / 100) - 0.32 * knee) * (1 - trunk) + 260 * trunk;
  const halfDepth = a.thighHalfDepth * (1 - 0.2 * knee) * (1 - trunk) + 95 * trunk;
  return {
    halfWidth,
    halfDepth,
    lateral: -0.22 * a.thighHalfWidth * (1 - knee) * (1 - trunk) - 60 * trunk,
    anterior: -0.12 * a.thighHalfDepth,
  };
}

/**
 * Draws an adult femur. Cortical thickness is drawn by the caller's fracture type (AFF patients have
 * thicker lateral cortices, Shane et al., JBMR 2014), so it is passed in.
 */
export function drawFemur(rng: Rng, cortex: number): FemurAnatomy {
  const length = rng.uniform(405, 485);
  const shaftRadius = rng.uniform(12, 15.5) * (length / 445);
  const thighHalfWidth = rng.uniform(68, 98);
  return {
    length,
    shaftRadius,
    cortex: Math.min(cortex, 0.62 * shaftRadius),
    bowLateral: rng.uniform(2, 7),
    bowAnterior: rng.uniform(8, 16),
    neckShaftAngle: rng.uniform(122, 136),
    anteversion: rng.uniform(5, 20),
    headRadius: rng.uniform(21, 26) * (length / 445),
    thighHalfWidth,
    thighHalfDepth: thighHalfWidth * rng.uniform(0.85, 1.05),
    fat: rng.uniform(6, 28),
  };
}
