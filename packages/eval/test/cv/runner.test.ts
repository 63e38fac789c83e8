import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend, createTfjsTrainer } from '@affnet/backend-tfjs';
import type { Manifest } from '@affnet/core';
import { runCrossValidation, type CvEvent, type CvOptions } from '../../src/cv/runner.js';
import { readExperimentResults } from '../../src/results/io.js';
import { buildReport } from '../../src/report/build.js';
import { writeTinyCohort } from './tiny-cohort.js';

/** ResNet18 at 32 px, frozen trunk, 3 epochs, 2 folds: mechanics, not accuracy. */
function options(manifest: Manifest, outDir: string, extra: Partial<CvOptions> = {}): CvOptions {
  return {
    manifest,
    manifestName: 'manifest.csv',
    outDir,
    architectures: ['resnet18'],
    pathways: ['automated', 'intervention'],
    folds: 2,
    seed: 11,
    inputSize: 32,
    training: { mode: 'frozen-trunk', epochs: 3, batchSize: 4, learningRate: 1e-2, optimizer: 'adam' },
    trainer: createTfjsTrainer(),
    backend: createTfjsBackend(),
    loadOptions: { engines: ['wasm'] },
    backendOptions: { engines: ['wasm'] },
    galleryPerFold: 2,
    ...extra,
  };
}

describe('cross-validation runner on a tiny cohort', () => {
  let dir: string;
  let manifest: Manifest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'affnet-cv-'));
    const cohort = join(dir, 'cohort');
    (await import('node:fs')).mkdirSync(cohort);
    manifest = (await writeTinyCohort(cohort)).manifest;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a run killed after its first fold resumes from it and ends with the same results as an uninterrupted run', async () => {
    const whole = await runCrossValidation(options(manifest, join(dir, 'whole')));
    expect(whole).toMatchObject({ computed: 4, resumed: 0, total: 4 });
    const results = whole.results!;
    expect(results.runs.map((r) => `${r.pathway}:${r.fold}`)).toEqual(['automated:0', 'automated:1', 'intervention:0', 'intervention:1']);
    // every image is tested exactly once per pathway; no patient in two test folds
    for (const pathway of ['automated', 'intervention']) {
      const tested = results.runs.filter((r) => r.pathway === pathway).flatMap((r) => r.predictions);
      expect(tested.map((p) => p.id).sort()).toEqual(manifest.items.map((i) => i.pathAsWritten).sort());
      const foldOf = new Map<string, number>();
      for (const r of results.runs.filter((x) => x.pathway === pathway)) for (const p of r.predictions) expect(foldOf.get(p.patientId) ?? r.fold).toBe(r.fold), foldOf.set(p.patientId, r.fold);
    }
    for (const r of results.runs) {
      expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
      expect(r.history.every((h) => h.valAccuracy !== null)).toBe(true);
      expect(r.train.images + r.test.images).toBe(24);
      expect(r.camCases.length).toBe(2);
      for (const c of r.camCases) expect(existsSync(join(dir, 'whole', c.overlay))).toBe(true);
    }
    expect(readExperimentResults(whole.resultsFile!)).toEqual(results);

    // The "kill": stop after the first finished fold.
    const controller = new AbortController();
    let finished = 0;
    const onEvent = (e: CvEvent): void => {
      if (e.type === 'fold-done' && ++finished === 1) controller.abort();
    };
    const killed = await runCrossValidation(options(manifest, join(dir, 'resumed'), { signal: controller.signal, onEvent }));
    expect(killed).toMatchObject({ computed: 1, resumed: 0, total: 4 });
    expect(killed.results).toBeUndefined();
    expect(readdirSync(join(dir, 'resumed', 'folds')).sort()).toEqual(['resnet18-automated-fold1.json']);

    const events: string[] = [];
    const again = await runCrossValidation(options(manifest, join(dir, 'resumed'), { onEvent: (e) => (e.type === 'fold-resumed' || e.type === 'fold-start') && events.push(`${e.type} ${e.key}`) }));
    expect(again).toMatchObject({ computed: 3, resumed: 1, total: 4 });
    expect(events.slice(0, 2)).toEqual(['fold-resumed resnet18-automated-fold1', 'fold-start resnet18-automated-fold2']);
    const a = results.runs.map((r) => r.predictions.map((p) => [p.id, p.probability]));
    const b = again.results!.runs.map((r) => r.predictions.map((p) => [p.id, p.probability]));
    expect(b).toEqual(a);
    expect(again.results!.runs.map((r) => r.history)).toEqual(results.runs.map((r) => r.history));
    // no checkpoints are left once folds are finished
    expect(existsSync(join(dir, 'resumed', 'checkpoints')) ? readdirSync(join(dir, 'resumed', 'checkpoints')) : []).toEqual([]);

    // the report reads the results
    const doc = await buildReport({ experiment: again.results!, experimentDir: join(dir, 'resumed') }, { bootstrapSamples: 50 });
    expect(doc.sections.map((s) => s.id)).toEqual(expect.arrayContaining(['setup', 'performance', 'curves', 'cam']));
  }, 240_000);

  it('a changed setting does not reuse finished folds', async () => {
    const out = join(dir, 'changed');
    const first = await runCrossValidation(options(manifest, out, { pathways: ['automated'], galleryPerFold: 0 }));
    expect(first).toMatchObject({ computed: 2, resumed: 0 });
    const second = await runCrossValidation(options(manifest, out, { pathways: ['automated'], galleryPerFold: 0, training: { mode: 'frozen-trunk', epochs: 2, batchSize: 4 } }));
    expect(second).toMatchObject({ computed: 2, resumed: 0 });
  }, 240_000);

  it('the auto arm aligns each held-out fold with an aligner fitted on the other folds, and records what it found', async () => {
    const out = join(dir, 'auto');
    const events: CvEvent[] = [];
    const outcome = await runCrossValidation(
      options(manifest, out, { pathways: ['intervention', 'auto'], galleryPerFold: 0, alignerOptions: { grid: 32, epochs: 3 }, keepBundles: true, onEvent: (e) => events.push(e) }),
    );
    const r = outcome.results!;
    // One aligner per fold, each on the other fold's images (12 patients × 2 images, 2 folds).
    const fitted = events.filter((e): e is Extract<CvEvent, { type: 'aligner' }> => e.type === 'aligner');
    expect(fitted.map((e) => e.fold)).toEqual([0, 1]);
    for (const e of fitted) expect(e.images).toBeGreaterThan(0);
    expect(fitted.reduce((s, e) => s + e.images, 0)).toBe(manifest.items.length);
    const auto = r.runs.filter((x) => x.pathway === 'auto');
    expect(auto).toHaveLength(2);
    for (const run of auto) {
      for (const p of run.predictions) {
        expect(p.alignment?.source).toBe('auto');
        expect(p.alignment!.confidence).toBeGreaterThanOrEqual(0);
      }
    }
    // The intervention arm keeps the clicks: no alignment on its records.
    for (const run of r.runs.filter((x) => x.pathway === 'intervention')) for (const p of run.predictions) expect(p.alignment).toBeUndefined();
    expect(String(r.config.aligner)).toContain('cross-fitted');
    // Both arms' fold bundles carry their fold's aligner; the report has the alignment section and its gallery.
    const { readBundle } = await import('@affnet/core');
    expect((await readBundle(join(out, auto[0]!.bundle!))).manifest.aligner?.format).toBe('affnet-aligner');
    expect(r.alignmentGallery!.length).toBeGreaterThan(0);
    for (const g of r.alignmentGallery!) expect(existsSync(join(out, g.png))).toBe(true);
    const doc = await buildReport({ experiment: r, experimentDir: out });
    const section = doc.sections.find((x) => x.id === 'alignment');
    expect(section?.blocks.some((b) => b.kind === 'gallery')).toBe(true);
    // DeLong between the pathways of the network.
    const { summariseExperiment } = await import('../../src/report/summary.js');
    expect(summariseExperiment(r).comparisons.some((c) => c.a === 'intervention' && c.b === 'auto')).toBe(true);
  }, 240_000);
});
