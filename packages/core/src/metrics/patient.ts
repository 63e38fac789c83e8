/**
 * Patient-level results from image-level ones. A patient's probability is the mean of their
 * images' probabilities (each image weighs the same; no image is preferred, since views are not
 * ranked). A patient is positive when any of their images is positive — the rule the splits use
 * for stratification (`data/patients.ts`); patients with images of both classes get a warning.
 */
import { AffnetError } from '../errors.js';
import { checkBinary, type Scores, type Targets } from './inputs.js';
import { warn, type MetricOptions } from './warnings.js';

export interface PatientLevel {
  /** Patient ids in order of first appearance (never log them). */
  patientIds: string[];
  targets: Uint8Array;
  /** Mean probability of each patient's images. */
  scores: Float64Array;
  /** Number of images per patient. */
  imageCounts: Uint32Array;
  /** Patients with images of both classes. */
  mixed: number;
}

export function aggregateByPatient(patientIds: ArrayLike<string>, targets: Targets, scores: Scores, options?: MetricOptions): PatientLevel {
  checkBinary(targets, scores);
  if (patientIds.length !== targets.length) {
    throw new AffnetError('E_OPTION_INVALID', `patientIds: expected ${targets.length} ids (one per target), got ${patientIds.length}`);
  }
  const index = new Map<string, number>();
  const ids: string[] = [];
  const sum: number[] = [];
  const count: number[] = [];
  const pos: number[] = [];
  for (let i = 0; i < targets.length; i++) {
    let k = index.get(patientIds[i]!);
    if (k === undefined) {
      k = ids.length;
      index.set(patientIds[i]!, k);
      ids.push(patientIds[i]!);
      sum.push(0);
      count.push(0);
      pos.push(0);
    }
    sum[k]! += scores[i]!;
    count[k]!++;
    pos[k]! += targets[i]!;
  }
  const mixed = pos.filter((p, k) => p > 0 && p < count[k]!).length;
  if (mixed > 0) warn(options, 'aggregateByPatient', `${mixed} patients have images of both classes; they count as positive`);
  return {
    patientIds: ids,
    targets: Uint8Array.from(pos, (p) => (p > 0 ? 1 : 0)),
    scores: Float64Array.from(sum, (s, k) => s / count[k]!),
    imageCounts: Uint32Array.from(count),
    mixed,
  };
}
