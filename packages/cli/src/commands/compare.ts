/**
 * `affnet compare`: one trained bundle on every runtime `--runtimes` names (core's runtime grammar;
 * an unset engine or precision expands to all of them: tfjs engines, ONNX Runtime providers × fp32 /
 * fp16 / int8, transformers.js), on labelled images: label agreement, max
 * |Δ probability|, AUC, latency p50 / p95 at batch 1, throughput at batch 16, cold start, peak
 * memory. Absent runtimes are listed with the reason.
 */
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
  type CandidateSpec,
  type ComparisonResults,
} from '@affnet/eval';
import { CliError } from '../errors.js';
import { addManifestOptions, radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { checkOutFolder, parseIntOption } from '../options/parse.js';
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
  latencyRuns: string;
  throughputRuns: string;
  budget: string;
  reference?: string;
  json?: boolean;
}

/** The first `count` readable images of the manifest for the comparison, the next ones for int8 calibration. */
async function images(bundle: ModelBundle, manifest: Manifest, count: number, calibration: number, read: (path: string) => Promise<Radiograph>) {
  const spec = bundle.manifest.preprocessing;
  const subset = { ...manifest, items: manifest.items.slice(0, count + calibration) };
  const set = (await prepareImages(subset, [spec], { read })).get(specKey(spec))!;
  const ok = set.images.filter((x) => x !== undefined);
  const test = ok.slice(0, count);
  const calib = ok.length > count ? ok.slice(count) : test;
  if (test.length === 0) throw new CliError(`compare: no readable image in the manifest (${set.failures[0]?.reason ?? 'empty'})`, 2);
  return { test, calib, separateCalibration: ok.length > count };
}

/** One line per runtime for the text output; a runtime stopped by its time budget lacks some figures. */
export function summaryLines(results: ComparisonResults): string[] {
  const lines = [`cpu: ${results.machine.cpu ?? 'unknown'} (${results.machine['cpu ISA'] ?? 'ISA unknown'})`];
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

/** The comparison's results file inside `--out`. */
export const COMPARE_FILE = 'compare.json';

export async function runCompare(f: CompareFlags): Promise<{ file: string; results: ComparisonResults; report?: string }> {
  checkOutFolder('--out', f.out, COMPARE_FILE);
  const wanted = parseRuntimeSpecs(f.runtimes, '--runtimes');
  const reference = f.reference ? parseRuntimeSpec(f.reference, '--reference') : undefined;
  if (reference && (!reference.engine || !reference.precision)) {
    throw new CliError(`--reference: name one runtime in full, BACKEND:ENGINE/PRECISION (e.g. tfjs:wasm/fp32), got "${f.reference}"`, 2);
  }
  const count = parseIntOption('--images', f.images, 2, 10000)!;
  const calibrationCount = parseIntOption('--calibration-images', f.calibrationImages, 1, 1000)!;
  const bundle = await readBundle(f.bundle);
  const manifest = await readManifestOption(f);
  const { test, calib, separateCalibration } = await images(bundle, manifest, count, calibrationCount, radiographReader(f));
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
    latencyRuns: parseIntOption('--latency-runs', f.latencyRuns, 3)!,
    throughputRuns: parseIntOption('--throughput-runs', f.throughputRuns, 1)!,
    budgetMs: parseIntOption('--budget', f.budget, 1)! * 1000,
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
    machine: { ...machineInfo(), 'int8 calibration': separateCalibration ? `${calib.length} other images of the manifest` : `the ${calib.length} compared images (the manifest has no others)` },
    runtimes: compared.runtimes,
  };
  const file = join(f.out, COMPARE_FILE);
  writeJsonAtomic(file, results);
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
    .option('--latency-runs <n>', 'timed batch-1 runs per runtime', '20')
    .option('--throughput-runs <n>', 'timed batch-16 runs per runtime', '3')
    .option('--budget <seconds>', 'time budget per runtime for the timed runs (slow runtimes stop early)', '60')
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
  ]);
  addManifestOptions(cmd).action(async (f: CompareFlags) => {
    const { file, results, report } = await runCompare(f);
    emit({ file, report, reference: results.reference, runtimes: results.runtimes }, f, () =>
      [...summaryLines(results), `results: ${file}`, report ? `report: ${report}` : ''].filter(Boolean).join('\n'),
    );
  });
}
