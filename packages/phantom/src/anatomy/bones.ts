/**
 * The bone parts around the shaft tube, as ellipsoids with a cortical shell, in the femur frame
 * (s, lateral, anterior; mm). Sizes are scaled from an adult femur of 445 mm (head radius 24 mm) and
 * follow textbook proportions (Gray's Anatomy, 42nd ed., ch. 80–81); they only need to read as a hip
 * and a knee on a radiograph.
 */
import { MU } from './materials.js';
import type { FemurAnatomy } from './femur.js';
import { add, basisFromAxis, mul, normalize, type Vec3 } from './vec3.js';

/**
 * Which rigid body a part moves with: the proximal femoral fragment, the distal one (and the knee,
 * which follows it), or the pelvis (static).
 */
export type BoneGroup = 'proximal' | 'distal' | 'pelvis' | 'patella' | 'tibia' | 'fibula';

export interface BonePart {
  name: string;
  group: BoneGroup;
  centre: Vec3;
  /** Orthonormal principal axes. */
  axes: readonly [Vec3, Vec3, Vec3];
  radii: Vec3;
  /** Cortical shell thickness, mm. */
  shell: number;
  /** Excess attenuation of the shell and of the core, per mm. */
  muShell: number;
  muCore: number;
}

const AXES: readonly [Vec3, Vec3, Vec3] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

function part(name: string, group: BoneGroup, centre: Vec3, radii: Vec3, shell: number, axes = AXES): BonePart {
  return { name, group, centre, axes, radii, shell, muShell: MU.cortexExcess, muCore: MU.cancellousExcess };
}

/** Centre of the femoral head: the neck leaves the shaft axis at s = 38 with the neck-shaft angle. */
export function headCentre(a: FemurAnatomy): Vec3 {
  return add(neckBase(a), mul(neckDirection(a), neckLength(a)));
}
const neckBase = (a: FemurAnatomy): Vec3 => [38 * (a.length / 445), 0, 0];
function neckDirection(a: FemurAnatomy): Vec3 {
  const nsa = (a.neckShaftAngle * Math.PI) / 180;
  const av = (a.anteversion * Math.PI) / 180;
  return normalize([Math.cos(nsa), -Math.sin(nsa) * Math.cos(av), Math.sin(nsa) * Math.sin(av)]);
}
/** Neck length chosen so that the head centre lies at s = 0. */
const neckLength = (a: FemurAnatomy): number => -neckBase(a)[0] / neckDirection(a)[0];

export function boneParts(a: FemurAnatomy): BonePart[] {
  const k = a.length / 445;
  const r = a.headRadius / 24;
  const w = a.shaftRadius / (13.75 * k);
  const L = a.length;
  const head = headCentre(a);
  const nd = neckDirection(a);
  const neckLen = neckLength(a);
  const ilium = basisFromAxis(normalize([1, -0.35, 0]));
  const ramus = basisFromAxis(normalize([0.25, -1, 0.15]));
  return [
    // Proximal femur: intertrochanteric region, greater and lesser trochanter, neck, head.
    part('intertrochanteric', 'proximal', [40 * k, 6 * w, -2 * w], [42 * k, 23 * w, 19 * w], 2.2 * w),
    part('greater-trochanter', 'proximal', [8 * k, 27 * w, -6 * w], [24 * k, 13 * w, 15 * w], 1.8 * w),
    part('lesser-trochanter', 'proximal', [62 * k, -15 * w, -8 * w], [11 * k, 7 * w, 8 * w], 1.5 * w),
    part('neck', 'proximal', add(neckBase(a), mul(nd, 0.55 * neckLen)), [0.5 * neckLen + 6 * r, 15.5 * r, 15.5 * r], 2.2 * r, basisFromAxis(nd)),
    part('head', 'proximal', head, [a.headRadius, a.headRadius, a.headRadius], 1.8 * r),
    // Pelvis around the hip joint: acetabular roof, ilium, ischium, superior pubic ramus.
    part('acetabular-roof', 'pelvis', add(head, [-0.85 * a.headRadius, -4 * r, 0]), [11 * r, a.headRadius + 7 * r, a.headRadius + 3 * r], 3 * r),
    part('ilium', 'pelvis', add(head, [-100 * r, -10 * r, -5 * r]), [95 * r, 70 * r, 7 * r], 1.4 * r, ilium),
    part('ischium', 'pelvis', add(head, [42 * r, -22 * r, -16 * r]), [34 * r, 14 * r, 16 * r], 1.4 * r),
    part('pubic-ramus', 'pelvis', add(head, [14 * r, -58 * r, 14 * r]), [38 * r, 10 * r, 10 * r], 1.4 * r, ramus),
    // Distal femur: metaphysis and the two condyles.
    part('distal-metaphysis', 'distal', [L - 70 * k, 0, -3 * w], [55 * k, 33 * w, 28 * w], 1.6 * w),
    part('lateral-condyle', 'distal', [L - 24 * k, 21 * w, -14 * w], [25 * k, 18 * w, 30 * w], 1.6 * w),
    part('medial-condyle', 'distal', [L - 23 * k, -21 * w, -14 * w], [26 * k, 19 * w, 31 * w], 1.6 * w),
    // The knee follows the distal fragment.
    part('patella', 'patella', [L - 40 * k, 2 * w, 40 * w], [22 * k, 20 * w, 10 * w], 1.5 * w),
    part('tibial-plateau', 'tibia', [L + 22 * k, 0, -5 * w], [17 * k, 38 * w, 30 * w], 1.5 * w),
    part('tibial-shaft', 'tibia', [L + 190 * k, 2 * w, 0], [170 * k, 15 * w, 15 * w], 4.5 * w),
    part('fibular-head', 'fibula', [L + 35 * k, 33 * w, -16 * w], [11 * k, 8 * w, 8 * w], 1.5 * w),
    part('fibular-shaft', 'fibula', [L + 200 * k, 30 * w, -12 * w], [165 * k, 6 * w, 6 * w], 2.5 * w),
  ];
}
