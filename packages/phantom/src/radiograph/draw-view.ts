/**
 * Draws how one radiograph of a patient was taken: view, patient rotation, field, position, rotation
 * (±35°) and scale of the femur in it, and the exposure and processing. Difficulty lowers the dose and
 * widens the blur. Ranges are listed in the README ("Image formation").
 */
import type { Point } from '@affnet/core';
import type { Acquisition } from '../detector/expose.js';
import { chance, lerp, logUniform, type Rng } from '../rng.js';
import type { PhantomPatient, ViewName, ViewSpec } from './types.js';

export interface ViewOptions {
  /** Image height range in pixels. @defaultValue [1500, 2500] */
  height?: readonly [number, number];
}

export const DEFAULT_HEIGHT: readonly [number, number] = [1500, 2500];

/** Cassette formats (width × height, mm): 35 × 43 cm (14 × 17 in) and 30 × 40 cm. */
const FORMATS = [
  [350, 430],
  [300, 400],
] as const;

/** The view sequence of a patient's radiographs: AP, lateral, then repeats with other positioning. */
export const viewOf = (index: number): ViewName => (index % 2 === 0 ? 'AP' : 'LAT');

export function drawView(rng: Rng, patient: PhantomPatient, index: number, options: ViewOptions = {}): ViewSpec {
  const [hMin, hMax] = options.height ?? DEFAULT_HEIGHT;
  const d = patient.difficulty;
  const view = viewOf(index);
  const [fw, fh] = FORMATS[rng.int(FORMATS.length)]!;
  const height = Math.round(rng.uniform(hMin, hMax));
  const width = Math.round((height * fw) / fh);
  const pixelSpacing = fh / height;
  const psi = (view === 'AP' ? 0 : 90) + rng.uniform(-12, 12);
  const centre: Point = { x: width * rng.uniform(0.3, 0.7), y: height * rng.uniform(0.32, 0.68) };
  const flip: 1 | -1 = patient.side === 'R' ? -1 : 1;
  const mm = 1 / pixelSpacing;
  // Field: collimator margins of 0–8 % per side, the blades tilted by up to 2°.
  const m = [0, 1, 2, 3].map(() => rng.uniform(0, 0.08));
  const tilt = (rng.uniform(-2, 2) * Math.PI) / 180;
  const field = [
    { x: m[0]! * width, y: m[1]! * height },
    { x: (1 - m[2]!) * width, y: m[1]! * height },
    { x: (1 - m[2]!) * width, y: (1 - m[3]!) * height },
    { x: m[0]! * width, y: (1 - m[3]!) * height },
  ].map((p) => rotateAbout(p, { x: width / 2, y: height / 2 }, tilt));
  // Marker on the patient's lateral side, in an upper corner of the field.
  const lateralOnRight = flip === 1;
  const markerHeight = rng.uniform(12, 18) * mm;
  const mx = lateralOnRight ? (1 - m[2]!) * width - rng.uniform(1.5, 3) * markerHeight : m[0]! * width + rng.uniform(1.5, 3) * markerHeight;
  const acquisition: Acquisition = {
    photons: logUniform(rng, lerp(15000, 4000, d), lerp(60000, 20000, d)),
    heel: rng.uniform(-0.15, 0.15),
    scatter: rng.uniform(0.2, 0.7),
    scatterSigma: 40 * mm,
    blur: rng.uniform(0.08, 0.2 + 0.15 * d) * mm,
    enhancement: rng.uniform(0.5, 1.5),
    enhancementSigma: rng.uniform(20, 35) * mm,
    field,
    marker: {
      letter: patient.side,
      x: mx,
      y: m[1]! * height + rng.uniform(1.5, 3) * markerHeight,
      height: markerHeight,
      angle: (rng.uniform(-10, 10) * Math.PI) / 180,
    },
    bits: [12, 12, 14, 16][rng.int(4)]!,
    gamma: rng.uniform(1.1, 1.6),
  };
  return {
    view,
    psi,
    width,
    height,
    pixelSpacing,
    magnification: rng.uniform(1.05, 1.2),
    rotation: rng.uniform(-35, 35),
    flip,
    centre,
    acquisition,
    photometric: chance(rng, 0.25) ? 'MONOCHROME1' : 'MONOCHROME2',
    clickNoise: {
      fracture: [rng.normal() * 2, rng.normal() * 2],
      axisDistance: rng.uniform(50, 100),
      axisOffset: rng.normal() * 1.5,
    },
  };
}

function rotateAbout(p: Point, c: Point, a: number): Point {
  const cs = Math.cos(a);
  const sn = Math.sin(a);
  return { x: c.x + (p.x - c.x) * cs - (p.y - c.y) * sn, y: c.y + (p.x - c.x) * sn + (p.y - c.y) * cs };
}
