/**
 * `affnet compare`: one trained bundle on every runtime `--runtimes` names (core's runtime grammar;
 * an unset engine or precision expands to all of them: tfjs engines, ONNX Runtime providers × fp32 /
 * fp16 / int8, transformers.js), on labelled images: label agreement, max
 * |Δ probability|, AUC, latency p50 / p95 at batch 1, throughput at batch 16, cold start, peak
 * memory. Absent runtimes are listed with the reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseRuntimeSpec, parseRuntimeSpecs, readBundle, stackImages, type ImageBatch, type InferenceBackend, type Manifest, type ModelBundle, type Radiograph } from '@affnet/core';
import {
  buildReport,
  COMPARISON_SCHEMA,
  COMPARISON_VERSION,
  compareRuntimes,
  MEMORY_METHOD,
  prepareImages,
  runtimeCandidates,
  specKey,
  writeJsonAtomic,
  writeReport,
  chooseVerdict,
  DEFAULT_CONSTRAINTS,
  pointsCsv,
  type VerdictConstraints,
  type CandidateSpec,
  type ComparisonResults,
} from '@affnet/eval';
import { CliError } from '../errors.js';
import { addManifestOptions, radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { checkOutFolder, parseIntOption, parseNumberOption } from '../options/parse.js';
import { RUNTIME_GRAMMAR, retireFlags } from '../options/runtime.js';
import { emit, progress } from '../output.js';
import { createRegistry } from '../runtime/backends.js';
import { machineInfo } from '../runtime/machine.js';

export interface CompareFlags extends ManifestOptions {
  bundle: string;
  out: string;
  /** false: no report.html (`--no-report`). */
  report?: boolean;
  runtimes: string;
  images: string;
  calibrationImages: string;
  batchSizes: string;
  concurrency: string;
  windowRuns: string;
  maxWindows: string;
  fullSweep?: boolean;
  maxP95Ms: string;
  minAgreement: string;
  maxDeltaP: string;
  budget: string;
  reference?: string;
  json?: boolean;
}

/** The first `count` readable images of the manifest for the comparison, the next ones for int8 calibration. */
async function images(bundle: ModelBundle, manifest: Manifest, count: number, calibration: number, read: (path: string) => Promise<Radiograph>) {
  const spec = bundle.manifest.preprocessing;
  const subset = { ...manifest, items: manifest.items.slice(0, count + calibration) };
  const t0 = performance.now();
  const set = (await prepareImages(subset, [spec], { read, ...(bundle.manifest.aligner ? { aligner: bundle.manifest.aligner } : {}) })).get(specKey(spec))!;
  const preprocessingMsPerImage = (performance.now() - t0) / Math.max(1, subset.items.length);
  const ok = set.images.filter((x) => x !== undefined);
  const test = ok.slice(0, count);
  const calib = ok.length > count ? ok.slice(count) : test;
  if (test.length === 0) throw new CliError(`compare: no readable image in the manifest (${set.failures[0]?.reason ?? 'empty'})`, 2);
  return { test, calib, separateCalibration: ok.length > count, preprocessingMsPerImage };
}

/** One line per runtime for the text output; a runtime stopped by its time budget lacks some figures. */
export function summaryLines(results: ComparisonResults): string[] {
  const lines = [...(results.verdict ? [`verdict: ${results.verdict.text}`] : []), `cpu: ${results.machine.cpu ?? 'unknown'} (${results.machine['cpu ISA'] ?? 'ISA unknown'})`];
  for (const r of results.runtimes) {
    lines.push(
      r.available
        ? `${r.id.padEnd(28)} agreement ${((r.labelAgreement ?? 0) * 100).toFixed(1)}%  max|Δp| ${(r.maxAbsDeltaProbability ?? 0).toExponential(1)}  p50 ${r.latencyMs ? `${r.latencyMs.p50.toFixed(1)} ms` : '—'}  ${r.throughput ? `${r.throughput.imagesPerSecond.toFixed(1)} img/s` : 'throughput not measured (time budget)'}`
        : `${r.id.padEnd(28)} absent: ${r.reason}`,
    );
    if (r.available && typeof r.details?.int8 === 'string') lines.push(`${''.padEnd(28)} int8: ${r.details.int8}`);
    if (r.available && typeof r.details?.int8Warning === 'string') lines.push(`${''.padEnd(28)} warning: ${r.details.int8Warning}`);
  }
  return lines;
}

/** The comparison's results file inside `--out`, and every measured point as CSV. */
export const COMPARE_FILE = 'compare.json';
export const POINTS_FILE = 'points.csv';

/** The verdict (eval `chooseVerdict`) in the results' shape. */
export function verdictOf(runtimes: ComparisonResults['runtimes'], constraints: VerdictConstraints): NonNullable<ComparisonResults['verdict']> {
  const v = chooseVerdict(
    runtimes.flatMap((r) => r.points ?? []),
    new Map(runtimes.map((r) => [r.id, r])),
    constraints,
  );
  return { text: v.text, ...(v.choice ? { runtime: v.choice.runtime, batch: v.choice.batch, concurrency: v.choice.concurrency } : {}), constraints, excluded: v.excluded };
}

export async function runCompare(f: CompareFlags): Promise<{ file: string; results: ComparisonResults; report?: string }> {
  checkOutFolder('--out', f.out, COMPARE_FILE);
  const wanted = parseRuntimeSpecs(f.runtimes, '--runtimes');
  const reference = f.reference ? parseRuntimeSpec(f.reference, '--reference') : undefined;
  if (reference && (!reference.engine || !reference.precision)) {
    throw new CliError(`--reference: name one runtime in full, BACKEND:ENGINE/PRECISION (e.g. tfjs:wasm/fp32), got "${f.reference}"`, 2);
  }
  const count = parseIntOption('--images', f.images, 2, 10000)!;
  const calibrationCount = parseIntOption('--calibration-images', f.calibrationImages, 1, 1000)!;
  const sizes = (option: string, value: string) => value.split(',').map((v) => parseIntOption(option, v.trim(), 1, 4096)!);
  const batchSizes = sizes('--batch-sizes', f.batchSizes);
  const concurrency = sizes('--concurrency', f.concurrency);
  const windowRuns = parseIntOption('--window-runs', f.windowRuns, 1, 10000)!;
  const maxWindows = parseIntOption('--max-windows', f.maxWindows, 1, 100)!;
  const budgetMs = parseIntOption('--budget', f.budget, 1)! * 1000;
  const constraints = {
    maxP95Ms: parseNumberOption('--max-p95-ms', f.maxP95Ms, 0)!,
    minAgreement: parseNumberOption('--min-agreement', f.minAgreement, 0, 1)!,
    maxDeltaP: parseNumberOption('--max-delta-p', f.maxDeltaP, 0, 1)!,
  };
  const bundle = await readBundle(f.bundle);
  const manifest = await readManifestOption(f);
  const { test, calib, separateCalibration, preprocessingMsPerImage } = await images(bundle, manifest, count, calibrationCount, radiographReader(f));
  const N = bundle.manifest.inputSize;
  const calibration: ImageBatch[] = [];
  for (let i = 0; i < calib.length; i += 8) calibration.push(stackImages(calib.slice(i, i + 8), N));

  const registry = await createRegistry();
  const known = registry.names();
  const specs: CandidateSpec[] = [];
  for (const spec of wanted) {
    if (!known.includes(spec.backend)) throw new CliError(`--runtimes: unknown backend "${spec.backend}" (available: ${known.join(', ')})`, 2);
    let backend: InferenceBackend | { absent: string };
    try {
      backend = await registry.create(spec.backend);
    } catch (e) {
      backend = { absent: e instanceof Error ? e.message : String(e) };
    }
    specs.push({ spec, backend, loadOptions: (_e, p) => (p === 'int8' ? { quantization: { calibration } } : {}) });
  }
  const candidates = await runtimeCandidates(bundle, specs);
  const bar = progress('compare runtimes', candidates.length);
  let started = 0;
  const compared = await compareRuntimes(candidates, {
    images: stackImages(test, N),
    truth: test.map((t) => t.truth),
    batchSizes,
    concurrency,
    windowRuns,
    maxWindows,
    fullSweep: f.fullSweep === true,
    budgetMs,
    ...(reference ? { reference: f.reference!.trim() } : {}),
    onProgress: ({ stage }) => {
      if (stage === 'start' && started++ > 0) bar.tick();
    },
  });
  if (started > 0) bar.tick();
  bar.stop();
  const results: ComparisonResults = {
    schema: COMPARISON_SCHEMA,
    version: COMPARISON_VERSION,
    createdAt: new Date().toISOString(),
    tool: 'affnet compare',
    bundle: { path: f.bundle, architecture: bundle.manifest.architecture, inputSize: N, pathway: bundle.manifest.preprocessing.pathway },
    images: test.length,
    reference: compared.reference,
    memoryMethod: MEMORY_METHOD,
    machine: {
      ...machineInfo(compared.runtimes),
      'int8 calibration': separateCalibration ? `${calib.length} other images of the manifest` : `the ${calib.length} compared images (the manifest has no others)`,
    },
    preprocessingMsPerImage,
    verdict: verdictOf(compared.runtimes, constraints),
    runtimes: compared.runtimes,
  };
  const file = join(f.out, COMPARE_FILE);
  writeJsonAtomic(file, results);
  writeFileSync(join(f.out, POINTS_FILE), pointsCsv(compared.runtimes.flatMap((r) => r.points ?? [])));
  let report: string | undefined;
  if (f.report !== false) report = writeReport(await buildReport({ comparison: results }), join(f.out, 'report.html')).html;
  return { file, results, ...(report ? { report } : {}) };
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('Run one bundle on every available runtime and compare agreement, AUC, latency, throughput, cold start and memory')
    .requiredOption('--bundle <dir>', 'trained model bundle folder')
    .option('--out <dir>', `folder for ${'compare.json'} and report.html`, 'compare')
    .option('--no-report', 'do not write OUT/report.html')
    .option('--runtimes <list>', `runtimes to include, comma-separated, each ${RUNTIME_GRAMMAR}; an unset engine or precision means all of them`, 'tfjs,onnx,transformers')
    .option('--images <n>', 'labelled images compared (the first ones of the manifest)', '32')
    .option('--calibration-images <n>', 'int8: the next images of the manifest, for calibration', '16')
    .option('--batch-sizes <list>', 'batch sizes swept (larger ones stop at the first that fails)', '1,2,4,8,16,32')
    .option('--concurrency <list>', 'requests in flight at batch 1, on runtimes that run calls concurrently', '1,2,4')
    .option('--window-runs <n>', 'timed calls per measurement window', '10')
    .option('--max-windows <n>', 'windows per point at the most (stops once the p95 changes by < 5 % between windows)', '5')
    .option('--full-sweep', 'sweep slow runtimes too (by default a runtime slower than 2 s per image runs 4 images at batch 1)')
    .option('--max-p95-ms <ms>', 'verdict: largest acceptable p95 latency of one call', String(DEFAULT_CONSTRAINTS.maxP95Ms))
    .option('--min-agreement <x>', 'verdict: smallest acceptable share of labels equal to the reference', String(DEFAULT_CONSTRAINTS.minAgreement))
    .option('--max-delta-p <x>', 'verdict: largest acceptable |Δ probability| against the reference', String(DEFAULT_CONSTRAINTS.maxDeltaP))
    .option('--budget <seconds>', 'time budget per runtime, from loading on (points that do not fit are listed as not measured)', '60')
    .option('--reference <spec>', 'runtime the others are compared with, BACKEND:ENGINE/PRECISION (default: the first available)')
    .option('--json', 'machine-readable output');
  retireFlags(cmd, [
    {
      flags: '--precisions <list>',
      instead: (v) =>
        `--runtimes ${String(v)
          .split(',')
          .map((p) => `onnx/${p.trim()}`)
          .join(',')},tfjs (a precision is part of each runtime)`,
    },
    { flags: '--latency-runs <n>', instead: (v) => `--window-runs ${String(v)} (every point is measured in windows until its p95 settles)` },
    { flags: '--throughput-runs <n>', instead: () => '--batch-sizes 1,16 (throughput is measured at every batch size swept)' },
  ]);
  addManifestOptions(cmd).action(async (f: CompareFlags) => {
    const { file, results, report } = await runCompare(f);
    emit({ file, report, reference: results.reference, runtimes: results.runtimes }, f, () =>
      [...summaryLines(results), `results: ${file}`, report ? `report: ${report}` : ''].filter(Boolean).join('\n'),
    );
  });
}
