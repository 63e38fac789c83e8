/**
 * One radiograph's line integrals: the attenuation (excess over air, × mm) that every detector pixel's
 * ray crosses, summed over soft tissue and rigid bodies. Within one rigid body overlapping parts are
 * combined by maximum (they are one bone); separate bodies and overlapping fragments add up. @internal
 */
import { affine, type Affine } from '@affnet/core';
import type { SmallPlane } from '../detector/lowpass.js';
import { boneParts, type BoneGroup } from '../anatomy/bones.js';
import { shaftBottom, SHAFT_TOP, type FemurAnatomy } from '../anatomy/femur.js';
import type { FracturePattern } from '../fracture/types.js';
import { rasterEllipsoid } from './ellipsoid.js';
import { fragmentSetups, type FragmentSetup } from './fragments.js';
import { addAndClear, RowSpans, type Plane } from './raster.js';
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
  /** Line integral of the bones per pixel (dimensionless: μ × mm). */
  attenuation: Plane;
  /**
   * Line integral of the soft tissue at half resolution (pixel (i, j) centred on full-resolution
   * (2i + ½, 2j + ½)): it is smooth, so the detector up-samples it on the fly at a quarter of the cost.
   */
  soft: SmallPlane;
  fragments: [FragmentSetup, FragmentSetup];
}

/**
 * Working planes, reused from one image to the next in a thread: a few megapixels of zeroed Float32
 * per image would otherwise dominate the garbage collector's work.
 */
const pool = { total: new Float32Array(0), group: new Float32Array(0), half: new Float32Array(0) };
function reuse(key: keyof typeof pool, width: number, height: number, zero: boolean): Plane {
  const n = width * height;
  if (pool[key].length < n) pool[key] = new Float32Array(n);
  const data = pool[key].subarray(0, n);
  if (zero) data.fill(0);
  return { width, height, data };
}

/**
 * Projects the scene. The returned planes are working memory that the next call in the same thread
 * reuses: consume them (as `renderImage` does) before projecting again.
 */
export function projectScene(a: FemurAnatomy, f: FracturePattern, view: SceneView): Scene {
  const total = reuse('total', view.width, view.height, true);
  // every group clears what it touched after adding it (addAndClear), so this one stays zero
  const group = reuse('group', view.width, view.height, pool.group.length < view.width * view.height);
  const half = reuse('half', Math.ceil(view.width / 2), Math.ceil(view.height / 2), false);
  try {
    rasterSoftTissue(half, affine.compose(affine.scale(0.5), affine.translate(-0.5, -0.5), view.base), view.psi, a);
    return { attenuation: total, soft: { ...half, factor: 2 }, fragments: projectBones(a, f, view, total, group) };
  } catch (e) {
    pool.group.fill(0); // a failed group may have left values behind
    throw e;
  }
}

function projectBones(a: FemurAnatomy, f: FracturePattern, view: SceneView, total: Plane, group: Plane): [FragmentSetup, FragmentSetup] {
  const fragments = fragmentSetups(a, f, view.psi, view.base);
  const parts = boneParts(a);
  const partsOf = (g: BoneGroup) => parts.filter((p) => p.group === g);
  for (const fr of fragments) {
    const box = new RowSpans(view.height, view.width);
    const band = fr.cut.spec.band;
    const [sLo, sHi] = fr.side === 'proximal' ? [SHAFT_TOP, f.site + band] : [f.site - band, shaftBottom(a)];
    rasterTube(group, box, fr.toImage, fr.profile, { sLo, sHi, cut: fr.cut, include: null, exclude: fr.pieces.map((p) => p.wedge) });
    for (const part of partsOf(fr.side)) rasterEllipsoid(group, box, fr.toImage, fr.psi, part, fr.cut);
    addAndClear(total, group, box);
    for (const piece of fr.pieces) {
      const pbox = new RowSpans(view.height, view.width);
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
    const box = new RowSpans(view.height, view.width);
    for (const part of partsOf(g)) rasterEllipsoid(group, box, fr.toImage, fr.psi, part, null);
    addAndClear(total, group, box);
  }
  return fragments;
}
