/**
 * `affnet predict <files|dirs…>`: one JSON line per image (file, label, probability, runtime) on
 * stdout and, with `--out FILE`, appended to FILE as it goes. An unreadable or corrupt image gives
 * an error record and the run continues; a rerun with the same `--out` skips images that already
 * have a result. `--cam DIR` writes the CAM of the predicted class over the original image as PNG.
 * Exit code 0 when every image was predicted, 3 when some failed (their records say why).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, preprocess, readRadiograph, type ClickPoints, type Preprocessed, type Radiograph } from '@affnet/core';
import { camOverlayPng, camsOf, decidedClass } from '@affnet/eval';
import { collectFiles } from '../batch/collect-files.js';
import { openJsonlLog, type JsonlLog } from '../batch/jsonl-log.js';
import { CliError } from '../errors.js';
import { readManifestOption, TRUNCATED_HELP } from '../options/manifest.js';
import { parseIntOption } from '../options/parse.js';
import { emitLine, progress } from '../output.js';
import { loadBundleOn, runtimeLabel } from '../runtime/backends.js';

interface PredictOptions {
  bundle: string;
  backend: string;
  engine?: string;
  precision?: string;
  out?: string;
  cam?: string;
  clicks?: string;
  batch: string;
  acceptTruncated?: boolean;
  json?: boolean;
}

function errorRecord(file: string, e: unknown): { file: string; error: { code: string; message: string } } {
  return { file, error: { code: e instanceof AffnetError ? e.code : 'E_UNEXPECTED', message: e instanceof Error ? e.message : String(e) } };
}

/** A file name for the overlay of `file` that cannot collide with another input's. */
export function overlayName(file: string): string {
  return `${resolve(file).replace(/^[/\\]+/, '').replace(/[/\\:]+/g, '__')}.cam.png`;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('Classify radiographs (files or folders, PNG/JPEG/TIFF/DICOM) with a trained bundle; one JSON line per image')
    .argument('<inputs...>', 'image files and/or folders (walked recursively)')
    .requiredOption('--bundle <dir>', 'trained model bundle folder')
    .option('--backend <name>', 'runtime: tfjs, onnx or transformers', 'tfjs')
    .option('--engine <name>', 'engine / execution provider (e.g. wasm, cpu, webgpu, cuda); default: best available')
    .option('--precision <p>', 'onnx: fp32, fp16 or int8', 'fp32')
    .option('--out <file>', 'append the JSON lines to FILE as they come; a rerun skips images already done')
    .option('--cam <dir>', 'write CAM overlays (PNG) into DIR')
    .option('--clicks <manifest>', 'intervention pathway: manifest with the fracture/axis clicks (fx, fy, ax, ay) per image')
    .option('--batch <n>', 'images per forward pass', '8')
    .option('--accept-truncated', TRUNCATED_HELP)
    .option('--json', 'JSON lines on stdout (always JSON lines; kept for symmetry with other commands)')
    .addHelpText('after', '\nExit codes: 0 all predicted, 3 some images failed (see their error records), 2 bad options or bundle.')
    .action(async (inputs: string[], opts: PredictOptions) => {
      const batchSize = parseIntOption('--batch', opts.batch, 1, 256)!;
      const model = await loadBundleOn(opts.bundle, { backend: opts.backend, ...(opts.engine ? { engine: opts.engine } : {}), precision: opts.precision ?? 'fp32' });
      const runtime = runtimeLabel(model.runtime);
      const m = model.bundle.manifest;
      const spec = m.preprocessing;
      const clicks = new Map<string, ClickPoints>();
      if (opts.clicks) {
        const manifest = await readManifestOption({ manifest: opts.clicks });
        for (const item of manifest.items) if (item.clicks) clicks.set(resolve(item.path), item.clicks);
      }
      // Never read our own output back as input (an --out file or --cam folder inside an input folder).
      const camDir = opts.cam ? `${resolve(opts.cam)}${sep}` : undefined;
      const files = collectFiles(inputs, opts.out ? [opts.out] : []).filter((f) => !camDir || !resolve(f).startsWith(camDir));
      if (files.length === 0) throw new CliError(`predict: no image files found in ${inputs.join(', ')}`, 2);
      const log: JsonlLog | undefined = opts.out ? openJsonlLog(opts.out) : undefined;
      const todo = files.filter((f) => !log?.done.has(f));
      if (opts.cam) mkdirSync(opts.cam, { recursive: true });
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
              const c = clicks.get(resolve(file));
              if (spec.pathway === 'intervention' && !c) {
                throw new AffnetError('E_OPTION_INVALID', `the bundle uses the intervention pathway, which needs the fracture and axis clicks; give them with --clicks MANIFEST`, { file });
              }
              ready.push({ file, radiograph, pre: preprocess(radiograph, spec, c ? { clicks: c } : {}) });
            } catch (e) {
              failed++;
              write(errorRecord(file, e));
              bar.tick();
            }
          }
          if (ready.length === 0) continue;
          const N = spec.inputSize;
          const data = new Float32Array(ready.length * N * N * 3);
          ready.forEach((r, k) => data.set(r.pre.data, k * N * N * 3));
          let out;
          try {
            out = await model.forward({ data, shape: [ready.length, N, N, 3] }, { features: Boolean(opts.cam) });
          } catch (e) {
            for (const r of ready) write(errorRecord(r.file, e));
            failed += ready.length;
            bar.tick(ready.length);
            continue;
          }
          const pos = m.labels.indexOf(m.positiveLabel);
          const probs = ready.map((_r, k) => out.probabilities[k * out.numClasses + pos]!);
          const classes = probs.map((p) => decidedClass(model.bundle, p));
          const cams = opts.cam ? camsOf(model.bundle, out, classes) : [];
          for (let k = 0; k < ready.length; k++) {
            const r = ready[k]!;
            const record: Record<string, unknown> & { file: string } = { file: r.file, label: m.labels[classes[k]!], probability: probs[k], positiveLabel: m.positiveLabel, runtime };
            // An image read from a truncated file (--accept-truncated) says so in its record.
            const truncated = (r.radiograph.meta.pipeline ?? []).filter((step) => step.startsWith('truncated '));
            if (truncated.length > 0) record.warnings = truncated;
            if (opts.cam) {
              const png = join(opts.cam, overlayName(r.file));
              writeFileSync(png, await camOverlayPng(r.radiograph, cams[k]!, r.pre.transform, N));
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
      process.stderr.write(`predict: ${todo.length - failed} predicted, ${failed} failed, ${skipped} already done${opts.out ? ` (${opts.out})` : ''}\n`);
      if (failed > 0) throw new CliError(`predict: ${failed} of ${todo.length} images failed (see their error records)`, 3);
    });
}
