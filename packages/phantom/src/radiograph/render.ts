/**
 * Renders one radiograph of a patient: places the femur in the field, projects the scene, exposes the
 * detector and derives the ground truth.
 */
import { affine, type Affine } from '@affnet/core';
import { bow } from '../anatomy/femur.js';
import { expose } from '../detector/expose.js';
import { projectScene } from '../projection/scene.js';
import type { Rng } from '../rng.js';
import { groundTruth, type GroundTruth } from '../truth/ground-truth.js';
import type { PhantomPatient, ViewSpec } from './types.js';

export interface RenderedImage {
  width: number;
  height: number;
  /** Stored values in [0, 2^bitsStored − 1], bone bright (MONOCHROME1 files store max − value). */
  stored: Uint16Array;
  bitsStored: number;
  truth: GroundTruth;
}

/** The proximal fragment's view plane (h = across, s = along the shaft; mm) → image px. */
export function placement(p: PhantomPatient, v: ViewSpec): Affine {
  const psi = (v.psi * Math.PI) / 180;
  const [lat, ant] = bow(p.femur, p.fracture.site);
  const hF = lat * Math.cos(psi) + ant * Math.sin(psi);
  const k = v.magnification / v.pixelSpacing;
  return affine.compose(affine.translate(v.centre.x, v.centre.y), affine.rotate((v.rotation * Math.PI) / 180), affine.scale(k * v.flip, k), affine.translate(-hF, -p.fracture.site));
}

/** Renders `v` of patient `p`; `rng` supplies the quantum noise. */
export function renderImage(p: PhantomPatient, v: ViewSpec, rng: Rng): RenderedImage {
  const scene = projectScene(p.femur, p.fracture, { width: v.width, height: v.height, psi: (v.psi * Math.PI) / 180, base: placement(p, v) });
  const stored = expose(scene.attenuation, v.acquisition, rng, scene.soft);
  return { width: v.width, height: v.height, stored, bitsStored: v.acquisition.bits, truth: groundTruth(p, v, scene.fragments) };
}
