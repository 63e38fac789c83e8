/** Options of a cohort and their checks; every bad value is an `E_OPTION_INVALID` naming the option. */
import { AffnetError } from '@affnet/core';
import { DEFAULT_HEIGHT } from '../radiograph/draw-view.js';

export interface CohortOptions {
  /** Output folder (created; existing phantom files in it are overwritten). */
  out: string;
  /** Number of patients. @defaultValue 300 (about 120 AFF and 180 NFF) */
  patients?: number;
  /** Share of AFF patients. @defaultValue 0.4 */
  affShare?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** Difficulty in [0, 1] (README "Difficulty"). @defaultValue 0.5 */
  difficulty?: number;
  /** Radiographs per patient, inclusive range. @defaultValue [2, 4] */
  imagesPerPatient?: readonly [number, number];
  /** Image height range in pixels. @defaultValue [1500, 2500] */
  height?: readonly [number, number];
  /** Write 16-bit PNGs / DICOM files. @defaultValue both */
  png?: boolean;
  dicom?: boolean;
  /** PNG zlib level 0–9 (noisy 16-bit data barely compresses: low levels are much faster). @defaultValue 1 */
  pngCompression?: number;
  /** Worker threads (0 = render in this thread). @defaultValue min(2, available CPUs) */
  workers?: number;
  /** Called after each image with the count done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export type ResolvedCohortOptions = Required<Omit<CohortOptions, 'onProgress'>> & Pick<CohortOptions, 'onProgress'>;

const bad = (option: string, message: string) => new AffnetError('E_OPTION_INVALID', `${option}: ${message}`);

function integerIn(option: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw bad(option, `expected an integer in ${lo}..${hi}, got ${String(v)}`);
  return v;
}

function rangeIn(option: string, r: readonly [number, number], lo: number, hi: number): readonly [number, number] {
  if (!Array.isArray(r) || r.length !== 2) throw bad(option, `expected [min, max], got ${JSON.stringify(r)}`);
  integerIn(`${option}[0]`, r[0], lo, hi);
  integerIn(`${option}[1]`, r[1], lo, hi);
  if (r[0] > r[1]) throw bad(option, `min ${r[0]} is above max ${r[1]}`);
  return r;
}

export function resolveCohortOptions(o: CohortOptions, availableCpus: number): ResolvedCohortOptions {
  if (typeof o.out !== 'string' || o.out.trim() === '') throw bad('out', 'an output folder is required');
  const difficulty = o.difficulty ?? 0.5;
  if (typeof difficulty !== 'number' || !(difficulty >= 0 && difficulty <= 1)) {
    throw bad('difficulty', `expected a number in [0, 1], got ${String(difficulty)}`);
  }
  const affShare = o.affShare ?? 0.4;
  if (typeof affShare !== 'number' || !(affShare >= 0 && affShare <= 1)) throw bad('affShare', `expected a number in [0, 1], got ${String(affShare)}`);
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw bad('seed', `expected an integer, got ${String(seed)}`);
  const png = o.png ?? true;
  const dicom = o.dicom ?? true;
  if (!png && !dicom) throw bad('png/dicom', 'at least one of PNG and DICOM output is needed');
  return {
    out: o.out,
    patients: integerIn('patients', o.patients ?? 300, 1, 100000),
    affShare,
    seed,
    difficulty,
    imagesPerPatient: rangeIn('imagesPerPatient', o.imagesPerPatient ?? [2, 4], 1, 16),
    height: rangeIn('height', o.height ?? DEFAULT_HEIGHT, 64, 8192),
    png,
    dicom,
    pngCompression: integerIn('pngCompression', o.pngCompression ?? 1, 0, 9),
    workers: integerIn('workers', o.workers ?? Math.min(2, availableCpus), 0, 64),
    onProgress: o.onProgress,
  };
}
