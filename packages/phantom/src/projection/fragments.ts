/**
 * Where each rigid piece of a fractured femur appears in one radiograph: the proximal fragment (with
 * the hip), the distal fragment (with the knee, displaced, angulated and rotated about the shaft),
 * and the comminution wedges. Each gets a pose (its local view plane (h, s) mm → image px), a view
 * angle and its side of the fracture surface. @internal
 */
import { affine, type Affine } from '@affnet/core';
import { bow, outerRadius, type FemurAnatomy } from '../anatomy/femur.js';
import type { FracturePattern, ComminutionPiece } from '../fracture/types.js';
import { CutEvaluator, type CutSpec, type KeepSide } from './cut.js';
import { triangle, type Triangle } from './triangle.js';
import { tubeProfile, type TubeProfile } from './tube.js';

const RAD = Math.PI / 180;

export interface PieceSetup {
  piece: ComminutionPiece;
  /** The wedge in the parent fragment's local coordinates. */
  wedge: Triangle;
  /** The piece's own pose (it moves away from where it broke off). */
  toImage: Affine;
}

export interface FragmentSetup {
  side: KeepSide;
  /** View angle of this fragment (the distal one is rotated about the shaft), radians. */
  psi: number;
  toImage: Affine;
  cut: CutEvaluator;
  profile: TubeProfile;
  /** Fracture centre in local view coordinates. */
  centre: { h: number; s: number; w: number };
  /** Shaft outer radius at the site, mm. */
  radius: number;
  pieces: PieceSetup[];
}

/** Apparent slopes of the fracture plane at view angle psi: s − sF = −kh·Δh − kw·Δw. */
export function planeSlopes(f: FracturePattern, psi: number): { kh: number; kw: number } {
  const ta = Math.tan(f.obliquityAP * RAD);
  const tl = Math.tan(f.obliquityLateral * RAD);
  return { kh: ta * Math.cos(psi) + tl * Math.sin(psi), kw: -ta * Math.sin(psi) + tl * Math.cos(psi) };
}

function centreAt(a: FemurAnatomy, s: number, psi: number) {
  const [lat, ant] = bow(a, s);
  return { h: lat * Math.cos(psi) + ant * Math.sin(psi), s, w: -lat * Math.sin(psi) + ant * Math.cos(psi) };
}

function cutSpec(a: FemurAnatomy, f: FracturePattern, psi: number, keep: KeepSide): CutSpec {
  const c = centreAt(a, f.site, psi);
  const { kh, kw } = planeSlopes(f, psi);
  const R = outerRadius(a, f.site);
  const spikeSlope = f.medialSpike.angle > 0 ? Math.tan(f.medialSpike.angle * RAD) : 0;
  const reach = 1.4 * R + f.beak.height + 5;
  return {
    keep,
    sF: f.site,
    hF: c.h,
    wF: c.w,
    kh,
    kw,
    spikeSlope,
    spikeSign: f.medialSpike.towardsProximal ? -1 : 1,
    spikeStart: 0.15 * R,
    cosPsi: Math.cos(psi),
    gap: f.gap,
    band: (Math.abs(kh) + Math.abs(kw)) * reach + spikeSlope * reach + f.gap + 3,
  };
}

function pieceSetup(_a: FemurAnatomy, piece: ComminutionPiece, parent: Omit<FragmentSetup, 'pieces'>): PieceSetup {
  const { cut, centre, radius: R, psi } = parent;
  const rel = Math.cos(piece.azimuth * RAD - psi);
  const side = rel >= 0 ? 1 : -1;
  const across = piece.depth * 2 * R * Math.max(0.35, Math.abs(rel));
  const dir = piece.onDistal ? 1 : -1;
  const back = -dir * (Math.abs(cut.spec.kw) * R + cut.spec.gap + 1);
  const lineAt = (hp: number) => cut.surfaceS(centre.h + hp, centre.w);
  const hIn = side * (R - across);
  const hOut = side * (R + 2);
  const wedge = triangle({ x: centre.h + hIn, y: lineAt(hIn) + back }, { x: centre.h + hOut, y: lineAt(hOut) + back }, { x: centre.h + hOut, y: lineAt(hOut) + dir * piece.length });
  const [p, q, r] = wedge.vertices;
  const cx = (p.x + q.x + r.x) / 3;
  const cy = (p.y + q.y + r.y) / 3;
  const move = affine.compose(affine.translate(cx + side * piece.shift, cy), affine.rotate(piece.turn * RAD), affine.translate(-cx, -cy));
  return { piece, wedge, toImage: affine.compose(parent.toImage, move) };
}

/**
 * The proximal and distal fragments for a view at angle psi whose proximal fragment is placed by
 * `base` (proximal local view plane → image px).
 */
export function fragmentSetups(a: FemurAnatomy, f: FracturePattern, psi: number, base: Affine): [FragmentSetup, FragmentSetup] {
  const d = f.displacement;
  const psiD = psi + d.torsion * RAD;
  const beakFor = (cut: CutSpec) => (f.beak.height > 0 ? { centre: f.site - cut.kh * outerRadius(a, f.site), height: f.beak.height, halfLength: f.beak.halfLength } : null);
  const make = (side: KeepSide, p: number, toImage: Affine): Omit<FragmentSetup, 'pieces'> => {
    const spec = cutSpec(a, f, p, side);
    return {
      side,
      psi: p,
      toImage,
      cut: new CutEvaluator(spec),
      profile: tubeProfile(a, p, beakFor(spec)),
      centre: { h: spec.hF, s: spec.sF, w: spec.wF },
      radius: outerRadius(a, f.site),
    };
  };
  const prox = make('proximal', psi, base);
  const cP = prox.centre;
  const cD = centreAt(a, f.site, psiD);
  const th = d.lateral * Math.cos(psi) + d.anterior * Math.sin(psi);
  const beta = (d.varus * Math.cos(psi) + d.flexion * Math.sin(psi)) * RAD;
  const distalToProx = affine.compose(affine.translate(cP.h + th, cP.s + d.along), affine.rotate(beta), affine.translate(-cD.h, -cD.s));
  const dist = make('distal', psiD, affine.compose(base, distalToProx));
  const withPieces = (fr: Omit<FragmentSetup, 'pieces'>): FragmentSetup => ({
    ...fr,
    pieces: f.pieces.filter((p) => p.onDistal === (fr.side === 'distal')).map((p) => pieceSetup(a, p, fr)),
  });
  return [withPieces(prox), withPieces(dist)];
}
