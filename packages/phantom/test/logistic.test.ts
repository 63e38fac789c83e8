/** The difficulty study's logistic regression on separable and overlapping toy data. */
import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogistic } from '../src/measure/logistic.js';

describe('logistic regression', () => {
  it('separates two clusters on one feature (ignoring a useless one)', () => {
    const x = [
      [0, 5],
      [1, 3],
      [2, 4],
      [8, 5],
      [9, 3],
      [10, 4],
    ];
    const y = [0, 0, 0, 1, 1, 1];
    const m = fitLogistic(x, y);
    expect(x.map((r) => (predictLogistic(m, r) > 0.5 ? 1 : 0))).toEqual(y);
    expect(predictLogistic(m, [5, 4])).toBeCloseTo(0.5, 1);
    expect(Math.abs(m.weights[2]!)).toBeLessThan(Math.abs(m.weights[1]!) / 10);
  });

  it('recovers the log-odds of overlapping classes: P(y = 1 | x) = 2/3 at x = 1, 1/3 at x = 0', () => {
    const x = [[0], [0], [0], [1], [1], [1]];
    const y = [0, 0, 1, 1, 1, 0];
    const m = fitLogistic(x, y, 0);
    expect(predictLogistic(m, [0])).toBeCloseTo(1 / 3, 6);
    expect(predictLogistic(m, [1])).toBeCloseTo(2 / 3, 6);
  });
});
