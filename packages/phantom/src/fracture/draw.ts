/**
 * The parameter distributions of AFF and NFF and how the difficulty D ∈ [0, 1] blends them. Every
 * range here is listed in the package README (section "Difficulty"), which also gives the accuracy a
 * classifier reaches at each D. Case definition: ASBMR task force 2nd report (Shane et al., JBMR
 * 2014): AFF are transverse or short oblique (≤ 30°), start at the lateral cortex, show focal lateral
 * cortical thickening ("beaking"), no or minimal comminution, sometimes a medial spike; NFF (high-energy
 * or low-energy shaft fractures) are oblique or spiral and often comminuted (butterfly fragment).
 */
import { chance, lerp, sign, type Rng } from '../rng.js';
import type { ComminutionPiece, FractureLabel, FracturePattern } from './types.js';

/**
 * Ranges of the cues at difficulty D, in one place (README "Difficulty" shows this table).
 * Angles are the apparent obliquity on a true AP or lateral view, degrees from the perpendicular.
 */
export function cueRanges(label: FractureLabel, d: number) {
  if (label === 'AFF') {
    return {
      angle: [0, lerp(12, 30, d)] as const,
      nearTransverseShare: 1,
      /** AFF beaks fade with D, down to barely visible. */
      beakHeight: [lerp(2.5, 0.2, d), lerp(5, 2.5, d)] as const,
      beakShare: 1,
      cortex: [lerp(5, 4.5, d), 7.5] as const,
      butterflyShare: 0,
      chipShare: 0.25 * d,
      spikeShare: 0.5,
    };
  }
  return {
    angle: [35, 70] as const,
    /** NFF drawn near-transverse instead (5–30°, inside the AFF range): transverse shaft fractures exist. */
    nearTransverseShare: 0.5 * d,
    beakHeight: [0.3, 2] as const,
    /** NFF with a focal cortical thickening (callus, an old stress reaction), confusing the cue. */
    beakShare: 0.45 * d,
    cortex: [4, lerp(7, 7.5, d)] as const,
    butterflyShare: lerp(0.6, 0.25, d),
    chipShare: 0.3,
    spikeShare: 0,
  };
}

/** Mid-shaft cortical thickness, mm: AFF patients have thicker cortices on average (overlapping ranges). */
export function drawCortex(rng: Rng, label: FractureLabel, d: number): number {
  const [a, b] = cueRanges(label, d).cortex;
  return rng.uniform(a, b);
}

function drawAngle(rng: Rng, label: FractureLabel, d: number): number {
  const r = cueRanges(label, d);
  const [a, b] = label === 'NFF' && chance(rng, r.nearTransverseShare) ? [5, 30] : r.angle;
  return sign(rng) * rng.uniform(a, b);
}

function drawPiece(rng: Rng, kind: ComminutionPiece['kind'], shaftRadius: number): ComminutionPiece {
  const big = kind === 'butterfly';
  return {
    kind,
    azimuth: rng.uniform(-180, 180),
    length: big ? rng.uniform(1.5, 3.2) * shaftRadius : rng.uniform(0.5, 1) * shaftRadius,
    depth: big ? rng.uniform(0.35, 0.7) : rng.uniform(0.12, 0.25),
    onDistal: chance(rng, 0.5),
    shift: big ? rng.uniform(1.5, 8) : rng.uniform(0.5, 3),
    turn: rng.uniform(-12, 12),
  };
}

/**
 * Draws one patient's fracture. `femurLength` and `shaftRadius` place the site and size the pieces.
 * The site: AFF are subtrochanteric (within 5 cm below the lesser trochanter) in about a third and
 * diaphyseal otherwise; NFF are mostly mid-diaphyseal.
 */
export function drawFracture(rng: Rng, label: FractureLabel, d: number, femurLength: number, shaftRadius: number): FracturePattern {
  const r = cueRanges(label, d);
  const k = femurLength / 445;
  const subtrochanteric = chance(rng, label === 'AFF' ? 0.35 : 0.15);
  const site = subtrochanteric ? rng.uniform(85, 115) * k : rng.uniform(125 * k, femurLength - 150 * k);
  const hasBeak = chance(rng, r.beakShare);
  const pieces: ComminutionPiece[] = [];
  if (chance(rng, r.butterflyShare)) pieces.push(drawPiece(rng, 'butterfly', shaftRadius));
  if (chance(rng, r.chipShare)) pieces.push(drawPiece(rng, 'chip', shaftRadius));
  // AFF are low-energy fractures: less displacement than high-energy NFF.
  const energy = label === 'NFF' ? 1 : 0.4;
  return {
    label,
    region: subtrochanteric ? 'subtrochanteric' : 'diaphysis',
    site,
    obliquityAP: drawAngle(rng, label, d),
    obliquityLateral: drawAngle(rng, label, d),
    gap: rng.uniform(0.6, 2),
    beak: {
      height: hasBeak ? rng.uniform(r.beakHeight[0], r.beakHeight[1]) : 0,
      halfLength: rng.uniform(12, 25),
    },
    medialSpike: chance(rng, r.spikeShare) ? { angle: rng.uniform(40, 65), towardsProximal: chance(rng, 0.5) } : { angle: 0, towardsProximal: false },
    pieces,
    displacement: {
      along: rng.uniform(-22, 3) * energy,
      lateral: rng.uniform(-1, 1) * shaftRadius * 1.6 * energy,
      anterior: rng.uniform(-1, 1) * shaftRadius * 1.2 * energy,
      varus: rng.uniform(-12, 12) * energy,
      flexion: rng.uniform(-10, 10) * energy,
      torsion: rng.uniform(-20, 20) * energy,
    },
  };
}
