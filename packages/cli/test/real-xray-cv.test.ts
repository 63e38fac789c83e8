/**
 * Real radiographs end to end through the CLI (issue 8): `affnet cv`, `train`, `predict` and
 * `evaluate` on a small FracAtlas subset (shared data, Abedeen et al., Sci Data 10, 521 (2023),
 * CC BY 4.0). The subset is a labels CSV in FracAtlas's own columns written next to nothing but a
 * pointer (`--image-dir`) to the image folder, which is what a user with their own folder of JPEGs
 * does. Sized for CI on 2 cores: 40 images, 64 px, frozen ImageNet-initialised VGG19 trunk, a few
 * epochs. Skips with the printed reason where the data or the weights are absent (never in CI).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDataDir, weightsDir } from '@affnet/core';
import { runCli } from '../src/program.js';
import { captureOutput, io } from './helpers.js';

const { dir, skipReason } = requireDataDir('fracatlas');
const vggWeights = weightsDir() ? join(weightsDir()!, 'vgg19-imagenet-notop') : undefined;
if (skipReason) console.warn(`fracatlas CLI tests skipped: ${skipReason}`);

/** One of the six FracAtlas JPEGs that end before their EOI marker (see shared/data/README.md). */
const TRUNCATED = 'images/IMG0004028.jpg';
const POSITIVES = 14;
const NEGATIVES = 25;

captureOutput();

describe.skipIf(!dir)('FracAtlas through the CLI', () => {
  const work = dir ? mkdtempSync(join(tmpdir(), 'affnet-fracatlas-')) : ''; // no folder left behind when skipped
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const csv = join(work, 'subset.csv');
  const manifest = ['--manifest', csv, '--manifest-preset', 'fracatlas', '--image-dir', dir!];
  const cvOut = join(work, 'cv');
  const bundle = join(work, 'bundle');

  // The first 14 fractured and 25 not fractured rows in file order, plus one truncated JPEG: 40 rows.
  // Read in beforeAll, not at collection: a skipped describe still runs its body, and without the
  // data there is no labels.csv to read.
  let subset: Record<string, string>[] = [];
  beforeAll(() => {
    const text = readFileSync(join(dir!, 'labels.csv'), 'utf8');
    // FracAtlas's labels.csv has no quoted fields: a plain split is exact.
    const [header = '', ...lines] = text.trim().split(/\r?\n/);
    const columns = header.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v])) as Record<string, string>);
    const pick = (fractured: string, n: number) => rows.filter((r) => r.fractured === fractured && r.image !== TRUNCATED).slice(0, n);
    subset = [...pick('1', POSITIVES), ...pick('0', NEGATIVES), rows.find((r) => r.image === TRUNCATED)!];
    writeFileSync(csv, `${[header, ...subset.map((r) => columns.map((c) => r[c]).join(','))].join('\n')}\n`);
  });

  it('cv: 2-fold frozen-trunk VGG19 from ImageNet weights runs end to end with sane metrics', async () => {
    const code = await runCli([
      'cv',
      ...manifest,
      '--out',
      cvOut,
      '--architectures',
      'vgg19',
      '--pathways',
      'automated',
      '--folds',
      '2',
      '--input-size',
      '64',
      '--mode',
      'frozen-trunk',
      '--epochs',
      '8',
      '--batch-size',
      '8',
      '--optimizer',
      'adam',
      '--lr',
      '0.001',
      '--class-weights',
      'balanced',
      '--gallery',
      '1',
      '--weights',
      vggWeights ?? 'imagenet',
      '--json',
    ]);
    expect(io.err).not.toContain('unexpected error');
    expect(code).toBe(0);
    const summary = JSON.parse(io.out);
    expect(summary).toMatchObject({ folds: 2, computed: 2, resumed: 0 });
    const results = JSON.parse(readFileSync(summary.results, 'utf8'));
    expect(results.dataset).toMatchObject({ images: 40, patients: 40, patientIdsKnown: false, labels: ['fracture', 'no_fracture'], positiveLabel: 'fracture' });
    expect(results.config.initialisation[0]).toMatch(/^vgg19: ImageNet \(16 layers from vgg19-imagenet-notop/);
    // The trunk ran on ONNX Runtime (--runtime auto), once per image for both folds.
    expect(results.config.trunkFeatures).toBe('onnx:cpu/fp32, shared across folds');
    const predictions = results.runs.flatMap((r: { predictions: unknown[] }) => r.predictions) as { probability: number; truth: number }[];
    // The truncated JPEG is refused (decodeRaster's default) and recorded, not silently decoded.
    expect(predictions).toHaveLength(39);
    const warnings = results.runs.flatMap((r: { warnings: { kind: string; file?: string; detail: string }[] }) => r.warnings);
    expect(warnings).toContainEqual({ kind: 'left-out', file: TRUNCATED, detail: expect.stringMatching(/^\[E_IMAGE_DECODE\] /) });
    expect(predictions.filter((p) => p.truth === 1)).toHaveLength(POSITIVES);
    for (const p of predictions) {
      expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(p.probability).toBeLessThanOrEqual(1);
    }
    // Not a constant classifier: the probabilities spread.
    const probs = predictions.map((p) => p.probability);
    expect(Math.max(...probs) - Math.min(...probs)).toBeGreaterThan(0.05);
    const report = readFileSync(join(cvOut, 'report.html'), 'utf8');
    expect(report).toMatch(/AUC/);
    expect(report).toMatch(/no patient ids|patient ids unknown|each image (is|counts as) its own patient/i);
  }, 180_000);

  it('train → predict a folder → evaluate --manifest with the same CSV columns', async () => {
    expect(
      await runCli([
        'train',
        ...manifest,
        '--out',
        bundle,
        '--architecture',
        'vgg19',
        '--input-size',
        '64',
        '--mode',
        'frozen-trunk',
        '--epochs',
        '5',
        '--batch-size',
        '8',
        '--optimizer',
        'adam',
        '--lr',
        '0.001',
        '--validation-fraction',
        '0',
        '--weights',
        vggWeights ?? 'imagenet',
        '--json',
      ]),
    ).toBe(0);
    const model = JSON.parse(readFileSync(join(bundle, 'model.json'), 'utf8'));
    expect(model).toMatchObject({ architecture: 'vgg19', inputSize: 64, labels: ['fracture', 'no_fracture'], positiveLabel: 'fracture' });

    // A plain folder of JPEGs (copies of three of the subset's files).
    const folder = join(work, 'folder');
    mkdirSync(folder);
    for (const r of subset.slice(0, 2).concat(subset.slice(-2, -1))) copyFileSync(join(dir!, r.image!), join(folder, r.image!.split('/').pop()!));
    io.out = '';
    const code = await runCli(['predict', folder, '--bundle', bundle]);
    expect(code, io.err).toBe(0);
    const lines = io.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(['fracture', 'no_fracture']).toContain(l.label);
      expect(l.positiveLabel).toBe('fracture');
      expect(l.probability).toBeGreaterThanOrEqual(0);
      expect(l.probability).toBeLessThanOrEqual(1);
    }

    io.out = '';
    const evalOut = join(work, 'evaluate');
    expect(await runCli(['evaluate', '--bundle', bundle, ...manifest, '--out', evalOut, '--gallery', '2', '--json'])).toBe(0);
    const summary = JSON.parse(io.out);
    expect(summary).toMatchObject({ images: 39, leftOut: 1 });
    expect(summary.accuracy).toBeGreaterThanOrEqual(0);
    expect(summary.accuracy).toBeLessThanOrEqual(1);
    expect(readFileSync(join(evalOut, 'report.html'), 'utf8')).toMatch(/AUC/);

    // Asked for, the truncated JPEG is read, and the results say it was.
    io.out = '';
    expect(await runCli(['evaluate', '--bundle', bundle, ...manifest, '--out', join(work, 'evaluate-lenient'), '--gallery', '0', '--accept-truncated', '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ images: 40, leftOut: 0, truncatedRead: 1 });
    const warnings = JSON.parse(readFileSync(join(work, 'evaluate-lenient', 'results.json'), 'utf8')).runs[0].warnings;
    expect(warnings).toEqual([{ kind: 'truncated-read', file: TRUNCATED, detail: expect.stringMatching(/^truncated JPEG decoded \(truncated: 'accept'\)/) }]);
  }, 180_000);
});
