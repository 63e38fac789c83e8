/**
 * train → export → compare → evaluate → cv on tiny inputs (ResNet18 at 32 px, frozen trunk, 2
 * epochs): the commands work together and write what they say. Mechanics, not accuracy.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program.js';
import { captureOutput, io, writeTinyImages } from './helpers.js';

captureOutput();
const dir = mkdtempSync(join(tmpdir(), 'affnet-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = [
  '--architecture',
  'resnet18',
  '--input-size',
  '32',
  '--mode',
  'frozen-trunk',
  '--epochs',
  '2',
  '--batch-size',
  '4',
  '--optimizer',
  'adam',
  '--lr',
  '0.01',
  '--train-runtime',
  'tfjs:wasm',
  '--weights',
  'none',
];

/** A 2-fold frozen-trunk cv of ResNet18 at 32 px, 2 epochs, random weights, the trainer on tfjs-wasm. */
const tinyCv = (manifest: string): string[] => [
  ...['cv', '--manifest', manifest, '--architectures', 'resnet18', '--pathways', 'automated', '--folds', '2', '--input-size', '32'],
  ...['--mode', 'frozen-trunk', '--epochs', '2', '--batch-size', '4', '--train-runtime', 'tfjs:wasm', '--weights', 'none'],
];

describe('affnet pipeline on tiny inputs', () => {
  let manifest: string;
  const bundle = join(dir, 'bundle');
  beforeAll(async () => {
    manifest = (await writeTinyImages(join(dir, 'images'), 12)).manifest;
  });

  it('train writes a bundle carrying the preprocessing it was trained with', async () => {
    expect(await runCli(['train', '--manifest', manifest, '--out', bundle, '--pathway', 'intervention', '--crop-fraction', '0.6', ...tiny, '--seed', '4', '--json'])).toBe(0);
    const summary = JSON.parse(io.out);
    expect(summary).toMatchObject({ bundle, stopReason: 'completed', trainImages: 8, validationImages: 4, initialisation: 'random (seed 4)' });
    expect(summary.history).toHaveLength(2);
    const model = JSON.parse(readFileSync(join(bundle, 'model.json'), 'utf8'));
    expect(model).toMatchObject({ architecture: 'resnet18', inputSize: 32, labels: ['AFF', 'NFF'], positiveLabel: 'AFF' });
    expect(model.preprocessing).toEqual({ pathway: 'intervention', inputSize: 32, normalisation: 'zscore', cropFraction: 0.6 });
  }, 120_000);

  it('train --pathway auto fits the aligner on the clicks, crops with it, and the bundle carries it', async () => {
    const auto = join(dir, 'bundle-auto');
    expect(await runCli(['train', '--manifest', manifest, '--out', auto, '--pathway', 'auto', ...tiny, '--seed', '4', '--json'])).toBe(0);
    expect(JSON.parse(io.out).aligner).toMatchObject({ images: 12, grid: 96 });
    const model = JSON.parse(readFileSync(join(auto, 'model.json'), 'utf8'));
    expect(model.preprocessing.pathway).toBe('auto');
    expect(model.aligner).toMatchObject({ format: 'affnet-aligner', version: 1 });
    // The intervention bundle of the first test carries one too (fitted on the same clicks).
    expect(JSON.parse(readFileSync(join(bundle, 'model.json'), 'utf8')).aligner?.format).toBe('affnet-aligner');
    expect(await runCli(['train', '--manifest', manifest, '--out', join(dir, 'never'), '--pathway', 'auto', '--no-aligner', ...tiny])).toBe(2);
    expect(io.err).toContain('--no-aligner: the auto pathway is its aligner');
  }, 120_000);

  it('export writes ONNX files per precision and a Hugging Face folder', async () => {
    const out = join(dir, 'export');
    expect(await runCli(['export', '--bundle', bundle, '--out', out, '--format', 'both', '--precisions', 'fp32,int8', '--manifest', manifest, '--calibration-images', '4', '--json'])).toBe(0);
    const files = JSON.parse(io.out).files as string[];
    expect(
      files
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => f.slice(out.length + 1))
        .sort(),
    ).toEqual(expect.arrayContaining(['model.onnx', 'model.int8.onnx']));
    expect(existsSync(join(out, 'hf', 'config.json'))).toBe(true);
    expect(existsSync(join(out, 'hf', 'preprocessor_config.json'))).toBe(true);
  }, 120_000);

  it('export of int8 without calibration images is an option error', async () => {
    expect(await runCli(['export', '--bundle', bundle, '--out', join(dir, 'x'), '--precisions', 'int8'])).toBe(2);
    expect(io.err).toContain('--precisions int8 needs calibration images: give --manifest FILE');
    io.err = '';
    // The old flag is refused with what to type instead.
    expect(await runCli(['export', '--bundle', bundle, '--out', join(dir, 'x'), '--precision', 'int8'])).toBe(2);
    expect(io.err).toContain('--precision was replaced (one runtime grammar and one word per concept across commands): did you mean --precisions int8?');
  });

  it('compare runs the bundle on every available runtime and lists the absent ones with the reason', async () => {
    const out = join(dir, 'compare');
    const args = ['compare', '--bundle', bundle, '--manifest', manifest, '--out', out];
    // Runtimes in the one grammar: an unset engine or precision means all of them (tfjs: fp32 only).
    expect(
      await runCli([
        ...args,
        '--images',
        '6',
        '--calibration-images',
        '4',
        '--batch-sizes',
        '1,4',
        '--concurrency',
        '1,2',
        '--window-runs',
        '3',
        '--max-windows',
        '2',
        '--runtimes',
        'tfjs,onnx:cpu/fp32,onnx:cpu/int8',
        '--reference',
        'tfjs:wasm/fp32',
        '--json',
      ]),
    ).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    const byId = new Map(results.runtimes.map((r: { id: string }) => [r.id, r]));
    expect(results.reference).toBe('tfjs:wasm/fp32');
    expect(results.images).toBe(6);
    expect([...byId.keys()].filter((id) => String(id).startsWith('onnx'))).toEqual(['onnx:cpu/fp32', 'onnx:cpu/int8']);
    for (const id of ['tfjs:wasm/fp32', 'tfjs:cpu/fp32', 'onnx:cpu/fp32', 'onnx:cpu/int8']) {
      expect(byId.get(id), id).toMatchObject({ available: true, reportedEngine: id });
    }
    // The same fp32 weights on another engine agree with the reference.
    expect(byId.get('onnx:cpu/fp32')).toMatchObject({ labelAgreement: 1 });
    expect((byId.get('onnx:cpu/fp32') as { maxAbsDeltaProbability: number }).maxAbsDeltaProbability).toBeLessThan(1e-4);
    expect((byId.get('tfjs:cpu/fp32') as { maxAbsDeltaProbability: number }).maxAbsDeltaProbability).toBeLessThan(1e-4);
    // The int8 row says how it was quantised; the machine says its ISA.
    expect((byId.get('onnx:cpu/int8') as { details: Record<string, string> }).details.int8).toContain('7 bits [-63, 63]');
    expect(results.machine['cpu ISA']).toBeTypeOf('string');
    // No GPU here: WebGPU is listed as absent with a reason.
    expect(byId.get('tfjs:webgpu/fp32')).toMatchObject({ available: false });
    expect((byId.get('tfjs:webgpu/fp32') as { reason: string }).reason.length).toBeGreaterThan(10);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Runtime comparison');
    // The sweep: tfjs at batches 1 and 4; ONNX Runtime also with 2 requests in flight; every point in points.csv.
    expect((byId.get('tfjs:wasm/fp32') as { points: { batch: number; concurrency: number }[] }).points.map((p) => `${p.batch}x${p.concurrency}`)).toEqual(['1x1', '4x1']);
    expect((byId.get('onnx:cpu/fp32') as { points: { batch: number; concurrency: number }[] }).points.map((p) => `${p.batch}x${p.concurrency}`)).toEqual(['1x1', '4x1', '1x2']);
    const csv = readFileSync(join(out, 'points.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('runtime,batch,concurrency,p50_ms,p90_ms,p95_ms,p99_ms,mean_ms,sd_ms,runs,images_per_s,windows,stable');
    expect(csv.length - 1).toBe(results.runtimes.reduce((n: number, r: { points?: unknown[] }) => n + (r.points?.length ?? 0), 0));
    // The verdict names a measured runtime that agrees with the reference, and comes first in the text output.
    expect(results.verdict.constraints).toEqual({ maxP95Ms: 500, minAgreement: 0.99, maxDeltaP: 0.05 });
    expect(byId.has(results.verdict.runtime)).toBe(true);
    expect(results.machine).toMatchObject({ gpu: 'none', node: process.version });
    expect(results.machine['onnxruntime version']).toMatch(/^\d+\.\d+/);
    expect(results.preprocessingMsPerImage).toBeGreaterThan(0);
    // Retired flags and a reference in the old form fail before any work, saying what to type.
    io.err = '';
    expect(await runCli([...args, '--precisions', 'fp32,int8'])).toBe(2);
    expect(io.err).toContain('did you mean --runtimes onnx/fp32,onnx/int8,tfjs');
    io.err = '';
    expect(await runCli([...args, '--latency-runs', '20'])).toBe(2);
    expect(io.err).toContain('did you mean --window-runs 20');
    io.err = '';
    expect(await runCli([...args, '--reference', 'tfjs/wasm/fp32'])).toBe(2);
    expect(io.err).toContain('did you mean "tfjs:wasm/fp32"?');
    io.err = '';
    expect(await runCli([...args.slice(0, -2), '--out', join(dir, 'compare.json')])).toBe(2);
    expect(io.err).toContain('--out is a folder on every command; give --out DIR and the file is written as DIR/compare.json');
  }, 180_000);

  it('evaluate writes results and a report; labels the bundle does not know are refused', async () => {
    const out = join(dir, 'evaluate');
    expect(await runCli(['evaluate', '--bundle', bundle, '--manifest', manifest, '--out', out, '--runtime', 'tfjs:wasm', '--gallery', '2', '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ images: 12, leftOut: 0, runtime: 'tfjs:wasm/fp32' });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results).toMatchObject({ protocol: 'evaluation', dataset: { images: 12, patients: 6 } });
    expect(results.runs[0].camCases).toHaveLength(2);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('AUC pooled');
    io.err = '';
    expect(await runCli(['evaluate', '--bundle', bundle, '--manifest', manifest, '--labels', 'AFF=fracture,NFF=none', '--positive', 'fracture', '--out', out])).toBe(2);
    expect(io.err).toContain('class "fracture" of the manifest is not one of the bundle\'s classes (AFF, NFF)');
  }, 120_000);

  it('evaluate and cv leave a truncated image out by default and read it with --accept-truncated, saying so', async () => {
    const { files, manifest: m } = await writeTinyImages(join(dir, 'truncated'), 8);
    const whole = readFileSync(files[2]!);
    writeFileSync(files[2]!, whole.subarray(0, whole.length - 16)); // IEND and the last IDAT checksum gone
    const args = ['evaluate', '--bundle', bundle, '--manifest', m, '--runtime', 'tfjs:wasm', '--gallery', '0', '--json'];
    io.out = '';
    expect(await runCli([...args, '--out', join(dir, 'ev-strict')])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ images: 7, leftOut: 1, truncatedRead: 0 });
    io.out = '';
    expect(await runCli([...args, '--out', join(dir, 'ev-lenient'), '--accept-truncated'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ images: 8, leftOut: 0, truncatedRead: 1 });
    const warnings = JSON.parse(readFileSync(join(dir, 'ev-lenient', 'results.json'), 'utf8')).runs[0].warnings;
    expect(warnings).toEqual([{ kind: 'truncated-read', file: 'img-02.png', detail: expect.stringMatching(/^truncated PNG decoded \(truncated: 'accept'\)/) }]);
    io.out = '';
    const cv = [
      'cv',
      '--manifest',
      m,
      '--architectures',
      'resnet18',
      '--pathways',
      'automated',
      '--folds',
      '2',
      '--input-size',
      '32',
      '--mode',
      'frozen-trunk',
      '--epochs',
      '1',
      '--batch-size',
      '4',
      '--train-runtime',
      'tfjs:wasm',
      '--weights',
      'none',
      '--gallery',
      '0',
      '--no-report',
      '--json',
    ];
    expect(await runCli([...cv, '--out', join(dir, 'cv-lenient'), '--accept-truncated'])).toBe(0);
    const runs = JSON.parse(readFileSync(join(dir, 'cv-lenient', 'results.json'), 'utf8')).runs;
    expect(runs.reduce((n: number, r: { predictions: unknown[] }) => n + r.predictions.length, 0)).toBe(8);
    expect(runs.flatMap((r: { warnings: { kind: string; file?: string }[] }) => r.warnings).some((w: { kind: string; file?: string }) => w.kind === 'truncated-read' && w.file === 'img-02.png')).toBe(
      true,
    );
  }, 120_000);

  it('cv writes results, folds and a report, and a rerun resumes every fold', async () => {
    const out = join(dir, 'cv');
    const args = [...tinyCv(manifest), '--out', out, '--gallery', '1', '--json'];
    expect(await runCli(args)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ folds: 2, computed: 2, resumed: 0, report: join(out, 'report.html') });
    io.out = '';
    expect(await runCli(args)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ folds: 2, computed: 0, resumed: 2 });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Table 1. Accuracy per fold, automated pathway');
  }, 180_000);

  it('cv with the ONNX Runtime trunk, a feature folder, a standardised L2 head; report merges two runs as arms', async () => {
    const common = [...tinyCv(manifest), '--gallery', '1', '--runtime', 'onnx', '--feature-cache', join(dir, 'features'), '--json'];
    const a = join(dir, 'cv-a');
    const b = join(dir, 'cv-b');
    expect(await runCli([...common, '--out', a, '--standardise-features', '--l2', '0.1'])).toBe(0);
    const results = JSON.parse(readFileSync(join(a, 'results.json'), 'utf8'));
    expect(results.config).toMatchObject({ trunkFeatures: 'onnx:cpu/fp32, shared across folds', standardiseFeatures: true, l2: 0.1 });
    const cached = readdirSync(join(dir, 'features'), { recursive: true }).filter((f) => String(f).endsWith('.f32')).length;
    expect(cached).toBe(12);
    io.out = '';
    expect(await runCli([...common, '--out', b])).toBe(0);
    expect(readdirSync(join(dir, 'features'), { recursive: true }).filter((f) => String(f).endsWith('.f32'))).toHaveLength(cached);
    io.out = '';
    const html = join(dir, 'arms', 'report.html');
    expect(await runCli(['report', '--results', join(a, 'results.json'), join(b, 'results.json'), '--arms', 'std,plain', '--out', join(dir, 'arms'), '--json'])).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('std');
    expect(text).toContain('plain');
    expect(text).toMatch(/Pooled accuracy, sensitivity and specificity/);
    expect(await runCli(['report', '--results', join(a, 'results.json'), join(b, 'results.json'), '--arms', 'only-one', '--out', join(dir, 'arms')])).toBe(2);
    expect(io.err).toContain('--arms: 1 labels for 2 results files');
  }, 180_000);

  it('train in frozen-trunk mode writes no per-epoch checkpoints unless asked, and records the trunk runtime', async () => {
    const out = join(dir, 'frozen-bundle');
    expect(await runCli(['train', '--manifest', manifest, '--out', out, ...tiny, '--runtime', 'onnx', '--standardise-features', '--json'])).toBe(0);
    expect(existsSync(`${out}.checkpoints`)).toBe(false);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(model.provenance.training).toMatchObject({ mode: 'frozen-trunk', trunk: 'onnx:cpu/fp32', standardiseFeatures: true });
  }, 120_000);

  it('frozen-trunk-only flags are refused in other modes, not ignored', async () => {
    const full = tiny.map((a) => (a === 'frozen-trunk' ? 'full' : a));
    expect(await runCli(['train', '--manifest', manifest, '--out', join(dir, 'never'), ...full, '--feature-cache', join(dir, 'fc'), '--runtime', 'onnx'])).toBe(2);
    expect(io.err).toContain('--feature-cache, --runtime: only for --mode frozen-trunk (mode is full)');
    io.err = '';
    expect(await runCli(['cv', '--manifest', manifest, '--out', join(dir, 'never-cv'), '--architectures', 'resnet18', '--input-size', '32', '--mode', 'full', '--standardise-features'])).toBe(2);
    expect(io.err).toContain('--standardise-features: only for --mode frozen-trunk (mode is full)');
  });

  it('--runtime takes the one runtime grammar, checked before any work; the old --engine is refused', async () => {
    expect(await runCli(['train', '--manifest', manifest, '--out', join(dir, 'never'), ...tiny, '--runtime', 'torch'])).toBe(2);
    expect(io.err).toContain('--runtime: unknown backend "torch". Available: auto, onnx, transformers, tfjs');
    io.err = '';
    // transformers.js has no feature map: it cannot serve a frozen trunk
    expect(await runCli(['train', '--manifest', manifest, '--out', join(dir, 'never'), ...tiny, '--runtime', 'transformers'])).toBe(2);
    expect(io.err).toContain('transformers gives class scores only, and this needs the feature map');
    io.err = '';
    expect(await runCli(['train', '--manifest', manifest, '--out', join(dir, 'never'), ...tiny, '--engine', 'wasm'])).toBe(2);
    expect(io.err).toContain('--engine was replaced (one runtime grammar and one word per concept across commands): did you mean --train-runtime tfjs:wasm');
    io.err = '';
    expect(await runCli(['train', '--manifest', manifest, '--out', join(dir, 'never'), ...tiny, '--train-runtime', 'onnx:cpu'])).toBe(2);
    expect(io.err).toContain('--train-runtime: training runs on the tfjs trainer');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
