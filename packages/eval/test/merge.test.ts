// mergeExperiments: paired CV results as one experiment (e.g. VGG19 ImageNet vs VGG19 random).
import { describe, expect, it } from 'vitest';
import { isAffnetError } from '@affnet/core';
import { mergeExperiments } from '../src/results/merge.js';
import { summariseExperiment } from '../src/report/summary.js';
import type { ExperimentResults } from '../src/results/experiment.js';
import { makeExperiment } from './fixtures.js';

/** The fixture's VGG19 automated runs only, optionally with other probabilities (same images and folds). */
function vggOnly(shift = 0): ExperimentResults {
  const r = makeExperiment('/unused');
  r.runs = r.runs
    .filter((x) => x.architecture === 'vgg19' && x.pathway === 'automated')
    .map((x) => ({ ...x, predictions: x.predictions.map((p) => ({ ...p, probability: Math.min(1, Math.max(0, p.probability + (p.truth ? shift : -shift))) })) }));
  r.config = { ...r.config, architectures: ['vgg19'], pathways: ['automated'], seed: 7, initialisation: ['vgg19: random (seeded 7)'] };
  return r;
}

describe('mergeExperiments', () => {
  const a = { results: vggOnly(0.1), file: '/x/imagenet/results.json', label: 'ImageNet' };
  const b = { results: vggOnly(0), file: '/x/scratch/results.json', label: 'random' };

  it('shows a setting that differs between the inputs per input, and a shared one once', () => {
    const c = { ...b, results: { ...b.results, config: { ...b.results.config, normalisation: 'zscore', epochs: 100 } } };
    const d = { ...a, results: { ...a.results, config: { ...a.results.config, normalisation: 'imagenet-caffe', epochs: 100 } } };
    const merged = mergeExperiments([d, c], '/x/merged');
    expect(merged.config.normalisation).toBe('ImageNet #1: imagenet-caffe; random #2: zscore');
    expect(merged.config.epochs).toBe(100);
  });

  it('relabels the runs, rebases CAM paths and lets the summary compare the arms on the same images', () => {
    const merged = mergeExperiments([a, b], '/x/merged');
    expect(merged.runs).toHaveLength(10);
    expect([...new Set(merged.runs.map((r) => r.architecture))]).toEqual(['vgg19 (ImageNet)', 'vgg19 (random)']);
    expect(merged.config.architectures).toEqual(['vgg19 (ImageNet)', 'vgg19 (random)']);
    expect(merged.config.merged).toEqual(['ImageNet #1: ../imagenet/results.json', 'random #2: ../scratch/results.json']);
    expect(merged.config.initialisation).toEqual(['vgg19: random (seeded 7) [ImageNet]', 'vgg19: random (seeded 7) [random]']);
    expect(merged.runs[0]!.camCases[0]!.overlay).toBe('../imagenet/cam/vgg19-automated-0-right.png');
    expect(merged.runs[5]!.camCases[0]!.overlay).toBe('../scratch/cam/vgg19-automated-0-right.png');
    const s = summariseExperiment(merged, { bootstrapSamples: 50 });
    expect(s.groups.map((g) => g.architecture)).toEqual(['vgg19 (ImageNet)', 'vgg19 (random)']);
    expect(s.comparisons).toHaveLength(1);
    expect(s.comparisons[0]).toMatchObject({ scope: 'automated pathway', a: 'vgg19 (ImageNet)', b: 'vgg19 (random)', cases: 50 });
  });

  it.each([
    { name: 'one input', inputs: () => [a], re: /give at least two results files, got 1/ },
    {
      name: 'same names',
      inputs: () => [
        { ...a, label: undefined },
        { ...b, label: undefined },
      ],
      re: /vgg19\/automated appears in two inputs/,
    },
    {
      name: 'other held-out images',
      inputs: () => {
        const r = vggOnly(0);
        r.runs[2]!.predictions[0]!.id = 'img/other.png';
        return [a, { ...b, results: r }];
      },
      re: /\/x\/scratch\/results\.json: merge: not paired with \/x\/imagenet\/results\.json: fold 3 holds out other images/,
    },
    {
      name: 'another seed',
      inputs: () => {
        const r = vggOnly(0);
        r.config = { ...r.config, seed: 8 };
        return [a, { ...b, results: r }];
      },
      re: /seed\/folds differ \(8\/5 vs 7\/5\)/,
    },
    {
      name: 'an evaluation',
      inputs: () => [a, { ...b, results: { ...vggOnly(0), protocol: 'evaluation' as const } }],
      re: /protocol is evaluation/,
    },
  ])('refuses $name', ({ inputs, re }) => {
    try {
      mergeExperiments(inputs(), '/x/merged');
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
      expect(String(e)).toMatch(re);
    }
  });
});
