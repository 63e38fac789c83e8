import { describe, expect, it } from 'vitest';
import type { RocPoint } from '@affnet/core';
import { meanRocCurve } from '../../src/report/summary.js';
import { pickCases } from '../../src/report/sections/cam.js';
import { galleryPicks } from '../../src/cv/evaluate-fold.js';

const roc = (pts: Array<[number, number]>): RocPoint[] => pts.map(([fpr, tpr], i) => ({ fpr, tpr, threshold: 1 - i / 10 }));

describe('meanRocCurve (vertical averaging)', () => {
  it.each([
    // two step curves; at FPR 0.5 the first has reached TPR 1, the second 0.5
    [
      [
        roc([
          [0, 0],
          [0, 1],
          [1, 1],
        ]),
        roc([
          [0, 0],
          [0.5, 0.5],
          [1, 1],
        ]),
      ],
      3,
      [
        { fpr: 0, tpr: 0.5 },
        { fpr: 0.5, tpr: 0.75 },
        { fpr: 1, tpr: 1 },
      ],
    ],
    [
      [
        roc([
          [0, 0],
          [0.25, 0.5],
          [0.75, 1],
          [1, 1],
        ]),
      ],
      5,
      [
        { fpr: 0, tpr: 0 },
        { fpr: 0.25, tpr: 0.5 },
        { fpr: 0.5, tpr: 0.5 },
        { fpr: 0.75, tpr: 1 },
        { fpr: 1, tpr: 1 },
      ],
    ],
  ])('%#', (curves, grid, expected) => {
    expect(meanRocCurve(curves, grid)).toEqual(expected);
  });

  it('ignores folds without a curve (one class)', () => {
    expect(
      meanRocCurve(
        [
          [],
          roc([
            [0, 0],
            [0, 1],
            [1, 1],
          ]),
        ],
        2,
      ),
    ).toEqual([
      { fpr: 0, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(meanRocCurve([[]])).toEqual([]);
  });
});

describe('gallery case choice', () => {
  const c = (id: string, label: string, probability: number, correct: boolean) => ({
    id,
    label,
    predicted: correct ? label : label === 'AFF' ? 'NFF' : 'AFF',
    probability,
    correct,
    overlay: `${id}.png`,
    fold: 0,
  });
  it('takes right cases of both classes, most confident first, then the most confident errors', () => {
    const cases = [c('a', 'AFF', 0.9, true), c('b', 'AFF', 0.99, true), c('n', 'NFF', 0.2, true), c('w1', 'AFF', 0.45, false), c('w2', 'NFF', 0.95, false)];
    expect(pickCases(cases, 4).map((x) => x.id)).toEqual(['b', 'n', 'w2', 'w1']);
    expect(pickCases(cases, 2).map((x) => x.id)).toEqual(['b', 'w2']);
  });
  it('fills with right cases when there are no errors', () => {
    expect(pickCases([c('a', 'AFF', 0.9, true), c('b', 'AFF', 0.8, true), c('n', 'NFF', 0.3, true)], 4).map((x) => x.id)).toEqual(['a', 'n', 'b']);
  });
  it.each([
    // rows: truth, correct, confidence → picked indices
    [
      [
        [1, true, 0.4],
        [0, true, 0.3],
        [1, false, 0.2],
        [0, false, 0.45],
        [1, true, 0.1],
      ],
      4,
      [0, 1, 3, 2],
    ],
    [
      [
        [1, true, 0.4],
        [1, true, 0.3],
        [0, true, 0.1],
      ],
      4,
      [0, 2, 1],
    ],
    [
      [
        [0, false, 0.4],
        [0, false, 0.3],
        [0, false, 0.1],
      ],
      2,
      [0, 1],
    ],
  ])('galleryPicks %#', (rows, count, expected) => {
    expect(
      galleryPicks(
        rows.map(([truth, correct, confidence]) => ({ truth: truth as 0 | 1, correct: correct as boolean, confidence: confidence as number })),
        count as number,
      ),
    ).toEqual(expected);
  });
});

describe('pooled accuracy, sensitivity and specificity with bootstrap CIs', () => {
  it('equal the pooled out-of-fold metrics at 0.5, with intervals around them', async () => {
    const { summariseExperiment } = await import('../../src/report/summary.js');
    const { makeExperiment } = await import('../fixtures.js');
    const results = makeExperiment();
    const summary = summariseExperiment(results);
    for (const g of summary.groups) {
      const preds = results.runs.filter((r) => r.architecture === g.architecture && r.pathway === g.pathway).flatMap((r) => r.predictions);
      const tp = preds.filter((p) => p.truth === 1 && p.probability >= 0.5).length;
      const tn = preds.filter((p) => p.truth === 0 && p.probability < 0.5).length;
      const pos = preds.filter((p) => p.truth === 1).length;
      expect(g.pooledCi.accuracy.estimate).toBeCloseTo((tp + tn) / preds.length, 10);
      expect(g.pooledCi.sensitivity.estimate).toBeCloseTo(tp / pos, 10);
      expect(g.pooledCi.specificity.estimate).toBeCloseTo(tn / (preds.length - pos), 10);
      for (const ci of Object.values(g.pooledCi)) {
        expect(ci.lower).toBeLessThanOrEqual(ci.estimate);
        expect(ci.upper).toBeGreaterThanOrEqual(ci.estimate);
      }
    }
  });
});
