/** Cohort options: defaults and the errors that name the option at fault. */
import { describe, expect, it } from 'vitest';
import { isAffnetError } from '@affnet/core';
import { resolveCohortOptions, type CohortOptions } from '../src/cohort/options.js';

describe('cohort options', () => {
  it('has the documented defaults', () => {
    const o = resolveCohortOptions({ out: 'x' }, 8);
    expect({ ...o, onProgress: undefined }).toEqual({
      out: 'x',
      patients: 300,
      affShare: 0.4,
      seed: 1,
      difficulty: 0.5,
      imagesPerPatient: [2, 4],
      height: [1500, 2500],
      png: true,
      dicom: true,
      pngCompression: 1,
      workers: 2,
      onProgress: undefined,
    });
  });

  it.each([
    [{ out: '' }, 'out: an output folder is required'],
    [{ difficulty: -0.1 }, 'difficulty: expected a number in [0, 1], got -0.1'],
    [{ patients: 0 }, 'patients: expected an integer in 1..100000, got 0'],
    [{ patients: 2.5 }, 'patients: expected an integer in 1..100000, got 2.5'],
    [{ seed: 1.5 }, 'seed: expected an integer, got 1.5'],
    [{ imagesPerPatient: [3, 2] }, 'imagesPerPatient: min 3 is above max 2'],
    [{ height: [10, 20] }, 'height[0]: expected an integer in 64..8192, got 10'],
    [{ affShare: 2 }, 'affShare: expected a number in [0, 1], got 2'],
    [{ png: false, dicom: false }, 'png/dicom: at least one of PNG and DICOM output is needed'],
  ] as [Partial<CohortOptions>, string][])('%j → %s', (partial, message) => {
    let error: unknown;
    try {
      resolveCohortOptions({ out: 'x', ...partial }, 2);
    } catch (e) {
      error = e;
    }
    expect(isAffnetError(error, 'E_OPTION_INVALID')).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});
