/**
 * `affnet evaluate`: a trained bundle on labelled images → metrics (accuracy, sensitivity,
 * specificity, precision, F1, AUC with CI, calibration, patient level) and the report. Any labelled
 * CSV works through the manifest column mapping, e.g. FracAtlas:
 * `affnet evaluate --manifest labels.csv --manifest-preset fracatlas --bundle B --out OUT`.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { runtimeId } from '@affnet/core';
import { buildReport, evaluateBundle, writeJsonAtomic, writeReport } from '@affnet/eval';
import { addManifestOptions, radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { checkOutFolder, parseIntOption } from '../options/parse.js';
import { addRuntimeOption, retireFlags, runtimeFlagsRetired } from '../options/runtime.js';
import { emit, progress } from '../output.js';
import { loadBundleOn } from '../runtime/backends.js';

interface EvaluateFlags extends ManifestOptions {
  bundle: string;
  out: string;
  runtime: string;
  gallery: string;
  json?: boolean;
}

export function registerEvaluate(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('Evaluate a trained bundle on labelled images: metrics, results JSON and the HTML report')
    .requiredOption('--bundle <dir>', 'trained model bundle folder')
    .requiredOption('--out <dir>', 'output folder (results.json, report.html, cam/)');
  addRuntimeOption(cmd).option('--gallery <n>', 'CAM overlays in the report (0 for a runtime without the feature map)', '8').option('--json', 'machine-readable output');
  retireFlags(cmd, runtimeFlagsRetired());
  addManifestOptions(cmd).action(async (f: EvaluateFlags) => {
    const gallery = parseIntOption('--gallery', f.gallery, 0, 100)!;
    checkOutFolder('--out', f.out, 'results.json');
    const manifest = await readManifestOption(f);
    const model = await loadBundleOn(f.bundle, f.runtime, { features: gallery > 0 });
    const bar = progress('evaluate', manifest.items.length);
    let results;
    try {
      results = await evaluateBundle(model, manifest, { manifestName: f.manifest, outDir: f.out, gallery, onProgress: () => bar.tick(), tool: 'affnet evaluate', read: radiographReader(f) });
    } finally {
      bar.stop();
      await model.dispose();
    }
    const resultsFile = join(f.out, 'results.json');
    writeJsonAtomic(resultsFile, results);
    const doc = await buildReport({ experiment: results, experimentDir: f.out, title: `Evaluation of ${f.bundle}` });
    const written = writeReport(doc, join(f.out, 'report.html'));
    const run = results.runs[0]!;
    const leftOut = run.warnings.filter((w) => w.kind === 'left-out').length;
    const truncated = run.warnings.filter((w) => w.kind === 'truncated-read').length;
    const correct = run.predictions.filter((p) => (p.probability >= run.threshold ? 1 : 0) === p.truth).length;
    emit(
      {
        results: resultsFile,
        report: written.html,
        runtime: runtimeId(model.runtime),
        images: run.predictions.length,
        leftOut,
        truncatedRead: truncated,
        accuracy: correct / Math.max(1, run.predictions.length),
      },
      f,
      () =>
        [
          `runtime: ${runtimeId(model.runtime)}`,
          `images: ${run.predictions.length} evaluated${truncated ? ` (${truncated} from truncated files, --accept-truncated)` : ''}, ${leftOut} left out (unreadable)`,
          `accuracy: ${(correct / Math.max(1, run.predictions.length)).toFixed(3)}`,
          `results: ${resultsFile}`,
          `report: ${written.html}`,
        ].join('\n'),
    );
  });
}
