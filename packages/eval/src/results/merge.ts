/**
 * Several cross-validation results of the same images and folds as one experiment, so the report
 * compares them like networks of one run (tables, ROC curves, DeLong tests on the same images).
 * Made for arms that one `affnet cv` run cannot hold together, e.g. VGG19 from ImageNet weights
 * against VGG19 from random initialisation: each run is relabelled `architecture (label)`.
 *
 * Only runs that are truly paired are merged: same manifest images, classes, seed, number of folds
 * and, fold by fold, the same held-out images; anything else is an `E_OPTION_INVALID` error naming
 * the file and the difference, since a DeLong test on unpaired folds would be wrong, not just weak.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { AffnetError } from '@affnet/core';
import type { ExperimentResults, FoldRecord } from './experiment.js';

export interface MergeInput {
  results: ExperimentResults;
  /** The results file: named in errors; CAM overlay and bundle paths are rebased from its folder. */
  file: string;
  /** Appended to each architecture, e.g. "ImageNet" → "vgg19 (ImageNet)". @defaultValue no suffix */
  label?: string;
}

function testIds(r: ExperimentResults): Map<number, string> {
  const byFold = new Map<number, string[]>();
  for (const run of r.runs) byFold.set(run.fold, [...(byFold.get(run.fold) ?? []), ...run.predictions.map((p) => p.id)]);
  return new Map([...byFold].map(([f, ids]) => [f, [...new Set(ids)].sort().join('\n')]));
}

/**
 * Merges paired cross-validation results (see the module comment).
 * @param baseDir - folder the merged results will be written to; relative paths are rebased to it
 * @throws AffnetError E_OPTION_INVALID for fewer than two inputs, a non-CV input, unpaired inputs,
 *   or two runs that would get the same name
 */
export function mergeExperiments(inputs: readonly MergeInput[], baseDir: string): ExperimentResults {
  if (inputs.length < 2) throw new AffnetError('E_OPTION_INVALID', `merge: give at least two results files, got ${inputs.length}`);
  const first = inputs[0]!;
  const bad = (file: string, why: string): never => {
    throw new AffnetError('E_OPTION_INVALID', `merge: not paired with ${first.file}: ${why}`, { file });
  };
  const ids0 = testIds(first.results);
  for (const { results: r, file } of inputs) {
    if (r.protocol !== 'cross-validation') bad(file, `protocol is ${r.protocol}; only cross-validation results are merged`);
    const a = first.results.dataset;
    const b = r.dataset;
    if (b.images !== a.images || b.labels.join() !== a.labels.join() || b.positiveLabel !== a.positiveLabel) {
      bad(file, `dataset differs (${b.images} images, classes ${b.labels.join('/')}, positive ${b.positiveLabel} vs ${a.images}, ${a.labels.join('/')}, ${a.positiveLabel})`);
    }
    if (r.config.seed !== first.results.config.seed || r.config.folds !== first.results.config.folds) {
      bad(file, `seed/folds differ (${String(r.config.seed)}/${String(r.config.folds)} vs ${String(first.results.config.seed)}/${String(first.results.config.folds)})`);
    }
    const ids = testIds(r);
    for (const [fold, list] of ids) if (ids0.get(fold) !== list) bad(file, `fold ${fold + 1} holds out other images`);
  }
  const rebase = (file: string, p: string): string => relative(baseDir, isAbsolute(p) ? p : resolve(dirname(file), p));
  const runs: FoldRecord[] = [];
  const names = new Set<string>();
  const initialisation: string[] = [];
  for (const { results: r, file, label } of inputs) {
    const renamed = (a: string) => (label ? `${a} (${label})` : a);
    for (const a of new Set(r.runs.map((x) => `${x.architecture}/${x.pathway}`))) {
      const name = renamed(a);
      if (names.has(name)) throw new AffnetError('E_OPTION_INVALID', `merge: ${name} appears in two inputs; give each file a different label`, { file });
      names.add(name);
    }
    for (const run of r.runs) {
      runs.push({
        ...run,
        architecture: renamed(run.architecture),
        camCases: run.camCases.map((c) => ({ ...c, overlay: rebase(file, c.overlay) })),
        ...(run.bundle ? { bundle: rebase(file, run.bundle) } : {}),
      });
    }
    const init = Array.isArray(r.config.initialisation) ? (r.config.initialisation as string[]) : [];
    initialisation.push(...init.map((s) => (label ? `${s} [${label}]` : s)));
  }
  // Settings that differ between the inputs are shown per input ("file: value"), never as the first one's.
  const name = (k: number) => `${inputs[k]!.label ?? 'input'} #${k + 1}`;
  const keys = [...new Set(inputs.flatMap((i) => Object.keys(i.results.config)))];
  const settings: Record<string, unknown> = {};
  for (const key of keys) {
    const values = inputs.map((i) => JSON.stringify(i.results.config[key] ?? null));
    settings[key] = values.every((v) => v === values[0])
      ? first.results.config[key]
      : inputs.map((i, k) => `${name(k)}: ${Array.isArray(i.results.config[key]) ? (i.results.config[key] as unknown[]).join(', ') : String(i.results.config[key] ?? '—')}`).join('; ');
  }
  return {
    ...first.results,
    createdAt: new Date().toISOString(),
    config: {
      ...settings,
      architectures: [...new Set(runs.map((r) => r.architecture))],
      initialisation,
      merged: inputs.map((i, k) => `${name(k)}: ${relative(baseDir, resolve(i.file))}`),
    },
    runs,
  };
}
