/**
 * `affnet predict <files|dirs…>`: one JSON line per image (file, label, probability, runtime) on
 * stdout and, with `--out DIR`, appended to DIR/predictions.jsonl as it goes. An unreadable or
 * corrupt image gives an error record and the run continues; a rerun with the same `--out` skips
 * images that already have a result. `--cam` writes the CAM of the predicted class over the original
 * image as PNG into DIR/cam/. Inference is core's runtime-neutral `predictImages`, on `--runtime`.
 * Exit code 0 when every image was predicted, 3 when some failed (their records say why).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import {
  AffnetError,
  checkBundleForPrediction,
  predictImages,
  predictionRecord,
  prepareForBundle,
  runtimeId,
  readRadiograph,
  type ClickPoints,
  type Preprocessed,
  type Radiograph,
} from '@affnet/core';
import { camOverlayPng } from '@affnet/eval';
import { collectFiles } from '../batch/collect-files.js';
import { openJsonlLog, type JsonlLog } from '../batch/jsonl-log.js';
import { CliError } from '../errors.js';
import { readClicksFile } from '../options/clicks.js';
import { TRUNCATED_HELP } from '../options/manifest.js';
import { checkOutFolder, parseIntOption } from '../options/parse.js';
import { addRuntimeOption, retireFlags, runtimeFlagsRetired } from '../options/runtime.js';
import { emitLine, progress } from '../output.js';
import { loadBundleOn } from '../runtime/backends.js';
import { predictDicomweb } from './predict-dicomweb.js';

interface PredictOptions {
  bundle: string;
  runtime: string;
  out?: string;
  cam?: boolean;
  clicks?: string;
  batchSize: string;
  acceptTruncated?: boolean;
  json?: boolean;
  dicomweb?: string;
  study?: string;
  series?: string;
  store: boolean;
}

/** The results file inside `--out`. */
export const PREDICTIONS_FILE = 'predictions.jsonl';

function errorRecord(file: string, e: unknown): { file: string; error: { code: string; message: string } } {
  return { file, error: { code: e instanceof AffnetError ? e.code : 'E_UNEXPECTED', message: e instanceof AffnetError ? e.cliMessage : e instanceof Error ? e.message : String(e) } };
}

/** A file name for the overlay of `file` that cannot collide with another input's. */
export function overlayName(file: string): string {
  return `${resolve(file)
    .replace(/^[/\\]+/, '')
    .replace(/[/\\:]+/g, '__')}.cam.png`;
}

export function registerPredict(program: Command): void {
  const cmd = program
    .command('predict')
    .description('Classify radiographs (files or folders, PNG/JPEG/TIFF/DICOM) with a trained bundle; one JSON line per image')
    .argument('[inputs...]', 'image files and/or folders (walked recursively); none with --dicomweb')
    .requiredOption('--bundle <dir>', 'trained model bundle folder');
  addRuntimeOption(cmd)
    .option('--out <dir>', `write the JSON lines to DIR/${PREDICTIONS_FILE} as they come (a rerun skips images already done), CAM overlays to DIR/cam/`)
    .option('--cam', 'write the CAM overlay of each image (PNG) into OUT/cam/ (needs --out and a runtime with the feature map)')
    .option(
      '--clicks <file>',
      "intervention / auto pathway: the fracture and axis points per image (fx, fy, ax, ay): a manifest, or the clicks file affnet annotate writes; without it the bundle's aligner finds them",
    )
    .option('--batch-size <n>', 'images per forward pass', '8')
    .option(
      '--dicomweb <url>',
      'classify a study on a DICOMweb archive (QIDO-RS/WADO-RS) instead of files, and store a CAM Secondary Capture and an SR per image back (STOW-RS); $AFFNET_DICOMWEB_TOKEN is its bearer token',
    )
    .option('--study <uid>', 'with --dicomweb: the Study Instance UID')
    .option('--series <uid>', 'with --dicomweb: only this Series Instance UID')
    .option('--no-store', 'with --dicomweb: classify only; store nothing back')
    .option('--accept-truncated', TRUNCATED_HELP)
    .option('--json', 'JSON lines on stdout (always JSON lines; kept for symmetry with other commands)')
    .addHelpText('after', '\nExit codes: 0 all predicted, 3 some images failed (see their error records), 2 bad options or bundle.');
  retireFlags(cmd, [...runtimeFlagsRetired(), { flags: '--batch <n>', instead: (v) => `--batch-size ${String(v)}` }]);
  cmd.action(async (inputs: string[], opts: PredictOptions) => {
    const batchSize = parseIntOption('--batch-size', opts.batchSize, 1, 256)!;
    if (opts.dicomweb) return predictDicomweb(inputs, { ...opts, dicomweb: opts.dicomweb, batchSize });
    if (opts.study || opts.series) throw new AffnetError('E_OPTION_INVALID', '--study and --series name a study on a DICOMweb archive: give --dicomweb URL too');
    if (inputs.length === 0) throw new AffnetError('E_OPTION_INVALID', 'predict: give image files or folders, or --dicomweb URL --study UID');
    if (opts.out) checkOutFolder('--out', opts.out, PREDICTIONS_FILE);
    if (opts.cam && !opts.out) throw new AffnetError('E_OPTION_INVALID', '--cam writes overlays into OUT/cam/: give --out DIR');
    const missing = inputs.find((i) => !existsSync(i));
    if (opts.cam && missing) throw new AffnetError('E_OPTION_INVALID', `"${missing}" is not a file or folder (--cam takes no value: the overlays go to OUT/cam/)`);
    const model = await loadBundleOn(opts.bundle, opts.runtime, { features: Boolean(opts.cam) });
    const runtime = runtimeId(model.runtime);
    const m = model.bundle.manifest;
    const spec = m.preprocessing;
    if (!opts.clicks) checkBundleForPrediction(m, opts.bundle);
    // A manifest, or the clicks table affnet annotate writes (no labels needed).
    const clicks: Map<string, ClickPoints> = opts.clicks ? readClicksFile(opts.clicks) : new Map();
    const logFile = opts.out ? join(opts.out, PREDICTIONS_FILE) : undefined;
    const camDir = opts.cam && opts.out ? join(opts.out, 'cam') : undefined;
    // Never read our own output back as input (an --out folder inside an input folder).
    const outDir = opts.out ? `${resolve(opts.out)}${sep}` : undefined;
    const files = collectFiles(inputs).filter((f) => !outDir || !resolve(f).startsWith(outDir));
    if (files.length === 0) throw new CliError(`predict: no image files found in ${inputs.join(', ')}`, 2);
    const log: JsonlLog | undefined = logFile ? openJsonlLog(logFile) : undefined;
    const todo = files.filter((f) => !log?.done.has(f));
    if (camDir) mkdirSync(camDir, { recursive: true });
    const bar = progress('predict', todo.length);
    let failed = 0;
    const write = (record: Record<string, unknown> & { file: string }): void => {
      emitLine(record);
      log?.append(record);
    };
    try {
      for (let i = 0; i < todo.length; i += batchSize) {
        const chunk = todo.slice(i, i + batchSize);
        const ready: Array<{ file: string; radiograph: Radiograph; pre: Preprocessed }> = [];
        for (const file of chunk) {
          try {
            const radiograph = await readRadiograph(file, opts.acceptTruncated ? { truncated: 'accept' } : {});
            ready.push({ file, radiograph, pre: prepareForBundle(radiograph, m, clicks.get(resolve(file))) });
          } catch (e) {
            failed++;
            write(errorRecord(file, e));
            bar.tick();
          }
        }
        if (ready.length === 0) continue;
        let results;
        try {
          results = await predictImages(
            model,
            ready.map((r) => r.pre),
            { cam: Boolean(opts.cam), batchSize },
          );
        } catch (e) {
          for (const r of ready) write(errorRecord(r.file, e));
          failed += ready.length;
          bar.tick(ready.length);
          continue;
        }
        for (let k = 0; k < ready.length; k++) {
          const r = ready[k]!;
          const p = results[k]!;
          const record: Record<string, unknown> & { file: string } = { file: r.file, ...predictionRecord(m, p, r.pre, r.radiograph.meta.warnings, r.file), runtime };
          if (camDir) {
            const png = join(camDir, overlayName(r.file));
            writeFileSync(png, await camOverlayPng(r.radiograph, p.cam!, r.pre.transform, spec.inputSize));
            record.cam = png;
          }
          write(record);
          bar.tick();
        }
      }
    } finally {
      bar.stop();
      log?.close();
      await model.dispose();
    }
    const skipped = files.length - todo.length;
    process.stderr.write(`predict: ${todo.length - failed} predicted, ${failed} failed, ${skipped} already done${logFile ? ` (${logFile})` : ''}\n`);
    if (failed > 0) throw new CliError(`predict: ${failed} of ${todo.length} images failed (see their error records)`, 3);
  });
}
