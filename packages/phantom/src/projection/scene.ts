/**
 * One radiograph's line integrals: the attenuation (excess over air, × mm) that every detector pixel's
 * ray crosses, summed over soft tissue and rigid bodies. Within one rigid body overlapping parts are
 * combined by maximum (they are one bone); separate bodies and overlapping fragments add up. @internal
 */
import type { Affine } from '@affnet/core';
import { boneParts, type BoneGroup } from '../anatomy/bones.js';
import { shaftBottom, SHAFT_TOP, type FemurAnatomy } from '../anatomy/femur.js';
import type { FracturePattern } from '../fracture/types.js';
import { rasterEllipsoid } from './ellipsoid.js';
import { fragmentSetups, type FragmentSetup } from './fragments.js';
import { addAndClear, createPlane, emptyBox, type Plane } from './raster.js';
import { rasterSoftTissue } from './soft-tissue.js';
import { rasterTube } from './tube.js';

export interface SceneView {
  width: number;
  height: number;
  /** View angle about the shaft, radians: 0 = AP, π/2 = lateral. */
  psi: number;
  /** Proximal fragment's view plane (h, s) mm → image px. */
  base: Affine;
}

export interface Scene {
  /** Line integral per pixel (dimensionless: μ × mm). */
  attenuation: Plane;
  fragments: [FragmentSetup, FragmentSetup];
}

export function projectScene(a: FemurAnatomy, f: FracturePattern, view: SceneView): Scene {
  const total = createPlane(view.width, view.height);
  const group = createPlane(view.width, view.height);
  rasterSoftTissue(total, view.base, view.psi, a);
  const fragments = fragmentSetups(a, f, view.psi, view.base);
  const parts = boneParts(a);
  const partsOf = (g: BoneGroup) => parts.filter((p) => p.group === g);
  for (const fr of fragments) {
    const box = emptyBox();
    const band = fr.cut.spec.band;
    const [sLo, sHi] = fr.side === 'proximal' ? [SHAFT_TOP, f.site + band] : [f.site - band, shaftBottom(a)];
    rasterTube(group, box, fr.toImage, fr.profile, { sLo, sHi, cut: fr.cut, include: null, exclude: fr.pieces.map((p) => p.wedge) });
    for (const part of partsOf(fr.side)) rasterEllipsoid(group, box, fr.toImage, fr.psi, part, fr.cut);
    addAndClear(total, group, box);
    for (const piece of fr.pieces) {
      const pbox = emptyBox();
      const ys = piece.wedge.vertices.map((v) => v.y);
      const range = { sLo: Math.min(...ys) - 1, sHi: Math.max(...ys) + 1 };
      rasterTube(group, pbox, piece.toImage, fr.profile, { ...range, cut: fr.cut, include: piece.wedge, exclude: [] });
      addAndClear(total, group, pbox);
    }
  }
  const [prox, dist] = fragments;
  const rigid: [BoneGroup, FragmentSetup][] = [
    ['pelvis', prox],
    ['patella', dist],
    ['tibia', dist],
    ['fibula', dist],
  ];
  for (const [g, fr] of rigid) {
    const box = emptyBox();
    for (const part of partsOf(g)) rasterEllipsoid(group, box, fr.toImage, fr.psi, part, null);
    addAndClear(total, group, box);
  }
  return { attenuation: total, fragments };
}
