/** One synthetic patient and one radiograph of them: the parameters a render needs, all plain data. */
import type { Point } from '@affnet/core';
import type { FemurAnatomy } from '../anatomy/femur.js';
import type { Acquisition } from '../detector/expose.js';
import type { FracturePattern, FractureLabel } from '../fracture/types.js';

export interface PhantomPatient {
  /** Synthetic identifier, e.g. "PH0007". */
  patientId: string;
  label: FractureLabel;
  side: 'L' | 'R';
  difficulty: number;
  femur: FemurAnatomy;
  fracture: FracturePattern;
}

export type ViewName = 'AP' | 'LAT';

export interface ViewSpec {
  view: ViewName;
  /** Beam direction about the shaft, degrees: 0 = true AP, 90 = true lateral (plus patient rotation). */
  psi: number;
  width: number;
  height: number;
  /** Detector pixel size, mm. */
  pixelSpacing: number;
  /** Source-to-image over source-to-object distance. */
  magnification: number;
  /** In-plane rotation of the femur, degrees (±35). */
  rotation: number;
  /** −1 mirrors left and right (radiological convention shows a right femur's lateral side on the left). */
  flip: 1 | -1;
  /** Where the fracture centre lands, image px. */
  centre: Point;
  acquisition: Acquisition;
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  /** The simulated user's click errors: fracture click offset (mm), axis click distance and offset (mm). */
  clickNoise: { fracture: [number, number]; axisDistance: number; axisOffset: number };
}
