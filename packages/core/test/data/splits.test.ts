import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/augment/rng.js';
import { groupByPatient, leaveOnePatientOut, manifestTargets, patientHoldout, patientKFold, splitStats, type Split, type SplitSource } from '../../src/data/index.js';
import { AffnetError } from '../../src/errors.js';

/** A cohort of `patients` patients with 1–4 images each; about 30 % positive, some of them mixed. */
function cohort(seed: number, patients = 40): SplitSource {
  const rng = createRng(1000 + seed);
  const items: { label: string; patientId: string }[] = [];
  for (let p = 0; p < patients; p++) {
    const positive = rng.next() < 0.3 || p < 6; // at least 6 positive patients
    const images = 1 + rng.int(4);
    for (let i = 0; i < images; i++) {
      const mixed = positive && i > 0 && rng.next() < 0.2;
      items.push({ label: positive && !mixed ? 'AFF' : 'NFF', patientId: `P${p}` });
    }
  }
  // Interleave patients' images so grouping cannot rely on order.
  return { items: createRng(seed).shuffle(items), positive: 'AFF' };
}

/** The patient classes by the documented rule: positive when any image is positive. */
function patientClasses(source: SplitSource): Map<string, boolean> {
  const cls = new Map<string, boolean>();
  for (const it of source.items) cls.set(it.patientId, (cls.get(it.patientId) ?? false) || it.label === 'AFF');
  return cls;
}

function checkPartition(split: Split, source: SplitSource): void {
  const n = source.items.length;
  const testedIn = new Array<number>(n).fill(0);
  for (const fold of split.folds) {
    expect([...fold.test, ...fold.train].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const i of fold.test) {
      testedIn[i]!++;
      expect(split.foldOf[i]).toBe(fold.id);
    }
    const testPatients = new Set(fold.test.map((i) => source.items[i]!.patientId));
    for (const i of fold.train) expect(testPatients.has(source.items[i]!.patientId)).toBe(false);
  }
  if (split.method !== 'holdout') expect(testedIn).toEqual(new Array(n).fill(1));
}

describe('patientKFold', () => {
  it.each(Array.from({ length: 60 }, (_, s) => [s, 2 + (s % 5)]))('seed %i, k=%i: no patient in two folds; each class within one patient of ideal', (seed, k) => {
    const source = cohort(seed);
    const split = patientKFold(source, { k, seed });
    checkPartition(split, source);
    const cls = patientClasses(source);
    for (const positive of [true, false]) {
      const total = [...cls.values()].filter((c) => c === positive).length;
      for (const fold of split.folds) {
        const patients = new Set(fold.test.map((i) => source.items[i]!.patientId).filter((p) => cls.get(p) === positive));
        expect(Math.abs(patients.size - total / k)).toBeLessThan(1);
      }
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const source = cohort(3);
    expect(patientKFold(source, { k: 5, seed: 7 })).toEqual(patientKFold(source, { k: 5, seed: 7 }));
    expect(patientKFold(source, { k: 5, seed: 7 }).foldOf).not.toEqual(patientKFold(source, { k: 5, seed: 8 }).foldOf);
    expect(patientKFold(source, { k: 5 }).seed).toBe(0);
  });

  it('draws from a given generator (and records no seed)', () => {
    const source = cohort(4);
    const split = patientKFold(source, { k: 3, rng: createRng(11) });
    expect(split.seed).toBeUndefined();
    expect(split.foldOf).toEqual(patientKFold(source, { k: 3, seed: 11 }).foldOf);
  });

  it('balances classes and images exactly when that is possible', () => {
    // 6 positive and 9 negative patients, one image each, k = 3 → 2 + 3 per fold.
    const items = Array.from({ length: 15 }, (_, i) => ({ label: i < 6 ? 'AFF' : 'NFF', patientId: `p${i}` }));
    const stats = splitStats(patientKFold({ items, positive: 'AFF' }, { k: 3, seed: 5 }), { items, positive: 'AFF' });
    expect(stats.map((s) => [s.test.patients, s.test.positivePatients, s.train.patients, s.train.positivePatients])).toEqual([
      [5, 2, 10, 4],
      [5, 2, 10, 4],
      [5, 2, 10, 4],
    ]);
  });

  it('keeps a mixed patient together, stratified as positive, and counts it', () => {
    const items = [
      { label: 'AFF', patientId: 'm' },
      { label: 'NFF', patientId: 'm' },
      { label: 'AFF', patientId: 'a' },
      { label: 'NFF', patientId: 'b' },
      { label: 'NFF', patientId: 'c' },
    ];
    const split = patientKFold({ items, positive: 'AFF' }, { k: 2, seed: 0 });
    expect(split.mixedPatients).toBe(1);
    expect(split.foldOf[0]).toBe(split.foldOf[1]);
    // m and a are the two positive patients: one per fold.
    expect(split.foldOf[0]).not.toBe(split.foldOf[2]);
  });

  it.each<[number, string]>([
    [4, "k: 4 folds need at least 4 patients of each class, but class 'AFF' has 3; choose k ≤ 3"],
    [1, 'k: expected an integer ≥ 2, got 1'],
    [2.5, 'k: expected an integer ≥ 2, got 2.5'],
  ])('k=%s is an error', (k, message) => {
    const items = ['AFF', 'AFF', 'AFF', 'NFF', 'NFF', 'NFF', 'NFF', 'NFF'].map((label, i) => ({ label, patientId: `p${i}` }));
    expect(() => patientKFold({ items, positive: 'AFF' }, { k, seed: 1 })).toThrow(new AffnetError('E_OPTION_INVALID', message));
  });

  it('reports image grouping when patient ids are unknown', () => {
    const items = ['AFF', 'AFF', 'NFF', 'NFF'].map((label, i) => ({ label, patientId: `img${i}` }));
    expect(patientKFold({ items, positive: 'AFF', patientIdsKnown: false }, { k: 2 }).grouping).toBe('image');
  });
});

describe('leaveOnePatientOut', () => {
  it('has one fold per patient in order of first appearance', () => {
    const items = ['a', 'b', 'a', 'c', 'b'].map((patientId, i) => ({ label: i % 2 ? 'AFF' : 'NFF', patientId }));
    const split = leaveOnePatientOut({ items, positive: 'AFF' });
    expect(split.foldOf).toEqual([0, 1, 0, 2, 1]);
    expect(split.folds.map((f) => f.test)).toEqual([[0, 2], [1, 4], [3]]);
    expect(split.folds[2]!.train).toEqual([0, 1, 2, 4]);
    checkPartition(split, { items, positive: 'AFF' });
  });
});

describe('patientHoldout', () => {
  it.each(Array.from({ length: 10 }, (_, s) => [s]))('seed %i: a quarter of each class of patients held out', (seed) => {
    // 8 positive and 12 negative patients with two images each.
    const items = Array.from({ length: 40 }, (_, i) => ({ label: i < 16 ? 'AFF' : 'NFF', patientId: `p${Math.floor(i / 2)}` }));
    const source = { items, positive: 'AFF' };
    const split = patientHoldout(source, { fraction: 0.25, seed });
    checkPartition(split, source);
    const [s] = splitStats(split, source);
    expect([s!.test.patients, s!.test.positivePatients, s!.test.images, s!.train.images]).toEqual([5, 2, 10, 30]);
    expect(split.foldOf.filter((f) => f === -1)).toHaveLength(30);
  });

  it.each<[number, string]>([
    [0.05, "fraction: 0.05 of the 4 patients of class 'AFF' is 0, leaving no test patient of that class"],
    [0.9, "fraction: 0.9 of the 4 patients of class 'AFF' is 4, leaving no training patient of that class"],
    [1, 'fraction: expected a number between 0 and 1 (exclusive), got 1'],
  ])('fraction %s is an error', (fraction, message) => {
    const items = Array.from({ length: 12 }, (_, i) => ({ label: i < 4 ? 'AFF' : 'NFF', patientId: `p${i}` }));
    expect(() => patientHoldout({ items, positive: 'AFF' }, { fraction })).toThrow(new AffnetError('E_OPTION_INVALID', message));
  });
});

describe('groupByPatient and manifestTargets', () => {
  const items = [
    { label: 'NFF', patientId: 'b' },
    { label: 'AFF', patientId: 'a' },
    { label: 'NFF', patientId: 'a' },
    { label: 'NFF', patientId: 'c' },
  ];

  it('groups in order of first appearance; positive when any image is; mixed flagged', () => {
    expect(groupByPatient({ items, positive: 'AFF' })).toEqual([
      { id: 'b', items: [0], positive: false, mixed: false },
      { id: 'a', items: [1, 2], positive: true, mixed: true },
      { id: 'c', items: [3], positive: false, mixed: false },
    ]);
  });

  it('targets are 1 for the positive class', () => {
    expect([...manifestTargets({ items, positive: 'AFF' })]).toEqual([0, 1, 0, 0]);
    expect([...manifestTargets({ items, positive: 'NFF' })]).toEqual([1, 0, 1, 1]);
  });
});
