/** Draws one synthetic patient: side, femur, and a fracture of the given class. */
import { drawFemur } from '../anatomy/femur.js';
import { drawCortex, drawFracture } from '../fracture/draw.js';
import type { FractureLabel } from '../fracture/types.js';
import { chance, type Rng } from '../rng.js';
import type { PhantomPatient } from './types.js';

/** Synthetic patient identifier for a 0-based index: PH0001, PH0002, … */
export const patientIdOf = (index: number): string => `PH${String(index + 1).padStart(4, '0')}`;

export function drawPatient(rng: Rng, index: number, label: FractureLabel, difficulty: number): PhantomPatient {
  const side = chance(rng, 0.5) ? 'L' : 'R';
  const femur = drawFemur(rng, drawCortex(rng, label, difficulty));
  const fracture = drawFracture(rng, label, difficulty, femur.length, femur.shaftRadius);
  return { patientId: patientIdOf(index), label, side, difficulty, femur, fracture };
}
