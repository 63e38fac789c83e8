/**
 * Cross-validation splits grouped by patient: stratified K-fold, leave-one-patient-out and a fixed
 * holdout. No patient is ever in two folds (images of one patient are correlated, so splitting them
 * would leak; Zdolsek et al. 2021 split by patient for 5-fold CV). All randomness comes from a
 * seeded generator, so one seed gives one split.
 *
 * Output: for every fold the ascending item indices of its training and test sets, and `foldOf`,
 * per item the id of the fold whose test set holds it (−1: never tested, the holdout's training part).
 */
import { AffnetError } from '../errors.js';
import { groupByPatient, type PatientGroup, type SplitSource } from './patients.js';
import { randomSource, shuffle, type RandomOptions } from './random.js';

export interface Fold {
  id: number;
  train: number[];
  test: number[];
}

export interface Split {
  method: 'kfold' | 'leave-one-patient-out' | 'holdout';
  /** The seed the split was drawn with (absent when drawn from a caller's generator, or for leave-one-patient-out). */
  seed?: number;
  /** 'image' when the source had no patient ids (each image its own patient). */
  grouping: 'patient' | 'image';
  folds: Fold[];
  /** Per item: the fold whose test set holds it, or −1. */
  foldOf: number[];
  /** Patients with images of both classes (stratified as positive, see `patients.ts`). */
  mixedPatients: number;
}

function baseSplit(method: Split['method'], source: SplitSource, options: RandomOptions, groups: PatientGroup[]): Omit<Split, 'folds' | 'foldOf'> {
  const split: Omit<Split, 'folds' | 'foldOf'> = {
    method,
    grouping: source.patientIdsKnown === false ? 'image' : 'patient',
    mixedPatients: groups.filter((g) => g.mixed).length,
  };
  if (!options.rng && method !== 'leave-one-patient-out') split.seed = options.seed ?? 0;
  return split;
}

/** Builds folds from per-item test-fold ids. */
function foldsFrom(foldOf: number[], count: number): Fold[] {
  const folds: Fold[] = Array.from({ length: count }, (_, id) => ({ id, train: [], test: [] }));
  foldOf.forEach((f, i) => {
    for (const fold of folds) (fold.id === f ? fold.test : fold.train).push(i);
  });
  return folds;
}

function classes(groups: PatientGroup[], positive: string): { name: string; patients: PatientGroup[] }[] {
  return [
    { name: positive, patients: groups.filter((g) => g.positive) },
    { name: `not ${positive}`, patients: groups.filter((g) => !g.positive) },
  ];
}

/**
 * Stratified K-fold grouped by patient. Per class, each fold gets ⌊n/k⌋ or ⌈n/k⌉ of that class's
 * patients (so the class ratio of every fold is within one patient of ideal); within that limit,
 * patients (in seeded random order, larger ones first) go to the fold with the fewest images of
 * their class, then the fewest images overall, then the lowest id.
 * @param options.k - number of folds, 2 ≤ k ≤ patients of the smaller class
 */
export function patientKFold(source: SplitSource, options: RandomOptions & { k: number }): Split {
  const { k } = options;
  if (!Number.isInteger(k) || k < 2) throw new AffnetError('E_OPTION_INVALID', `k: expected an integer ≥ 2, got ${k}`);
  const rng = randomSource(options);
  const groups = groupByPatient(source);
  const byClass = classes(groups, source.positive);
  for (const c of byClass) {
    if (k > c.patients.length) {
      throw new AffnetError(
        'E_OPTION_INVALID',
        `k: ${k} folds need at least ${k} patients of each class, but class '${c.name}' has ` + `${c.patients.length}; choose k ≤ ${Math.min(...byClass.map((x) => x.patients.length))}`,
      );
    }
  }
  const foldOf = new Array<number>(source.items.length).fill(-1);
  const totalImages = new Array<number>(k).fill(0);
  for (const c of byClass) {
    const order = shuffle(c.patients, rng).sort((a, b) => b.items.length - a.items.length); // stable sort
    const floor = Math.floor(order.length / k);
    let roomAboveFloor = order.length % k; // how many folds may still take ⌈n/k⌉
    const patients = new Array<number>(k).fill(0);
    const images = new Array<number>(k).fill(0);
    for (const p of order) {
      let best = -1;
      for (let f = 0; f < k; f++) {
        if (patients[f]! > floor || (patients[f] === floor && roomAboveFloor === 0)) continue;
        if (best < 0 || images[f]! < images[best]! || (images[f] === images[best] && totalImages[f]! < totalImages[best]!)) {
          best = f;
        }
      }
      if (patients[best] === floor) roomAboveFloor--;
      patients[best]!++;
      images[best]! += p.items.length;
      totalImages[best]! += p.items.length;
      for (const i of p.items) foldOf[i] = best;
    }
  }
  return { ...baseSplit('kfold', source, options, groups), folds: foldsFrom(foldOf, k), foldOf };
}

/** One fold per patient, in order of the patients' first appearance (deterministic; no randomness). */
export function leaveOnePatientOut(source: SplitSource): Split {
  const groups = groupByPatient(source);
  if (groups.length < 2) throw new AffnetError('E_OPTION_INVALID', `leave-one-patient-out needs at least 2 patients, got ${groups.length}`);
  const foldOf = new Array<number>(source.items.length).fill(-1);
  groups.forEach((g, f) => g.items.forEach((i) => (foldOf[i] = f)));
  return { ...baseSplit('leave-one-patient-out', source, {}, groups), folds: foldsFrom(foldOf, groups.length), foldOf };
}

/**
 * A fixed holdout grouped by patient and stratified: of each class, round(fraction × patients)
 * patients, drawn at random, form the test set (fold 0); the rest is training (`foldOf` −1).
 * @param options.fraction - share of each class's patients held out, 0 < fraction < 1
 */
export function patientHoldout(source: SplitSource, options: RandomOptions & { fraction: number }): Split {
  const { fraction } = options;
  if (!(fraction > 0 && fraction < 1)) {
    throw new AffnetError('E_OPTION_INVALID', `fraction: expected a number between 0 and 1 (exclusive), got ${fraction}`);
  }
  const rng = randomSource(options);
  const groups = groupByPatient(source);
  const foldOf = new Array<number>(source.items.length).fill(-1);
  for (const c of classes(groups, source.positive)) {
    const n = Math.round(fraction * c.patients.length);
    if (n === 0 || n === c.patients.length) {
      throw new AffnetError(
        'E_OPTION_INVALID',
        `fraction: ${fraction} of the ${c.patients.length} patients of class '${c.name}' is ${n}, ` + `leaving ${n === 0 ? 'no test' : 'no training'} patient of that class`,
      );
    }
    for (const p of shuffle(c.patients, rng).slice(0, n)) for (const i of p.items) foldOf[i] = 0;
  }
  return { ...baseSplit('holdout', source, options, groups), folds: foldsFrom(foldOf, 1), foldOf };
}

export interface FoldStats {
  id: number;
  test: { patients: number; positivePatients: number; images: number; positiveImages: number };
  train: { patients: number; positivePatients: number; images: number; positiveImages: number };
}

/** Patient and image counts per fold (for reports and checks). */
export function splitStats(split: Split, source: SplitSource): FoldStats[] {
  const groups = groupByPatient(source);
  const count = (items: number[]) => {
    const set = new Set(items);
    const ps = groups.filter((g) => set.has(g.items[0]!));
    return {
      patients: ps.length,
      positivePatients: ps.filter((g) => g.positive).length,
      images: items.length,
      positiveImages: items.filter((i) => source.items[i]!.label === source.positive).length,
    };
  };
  return split.folds.map((f) => ({ id: f.id, test: count(f.test), train: count(f.train) }));
}
