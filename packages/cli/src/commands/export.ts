/**
 * `affnet export`: a bundle as ONNX (fp32 / fp16 / int8, with the probabilities and the feature map
 * for CAM as outputs) and/or as a Hugging Face folder that transformers.js loads locally.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, readBundle } from '@affnet/core';
import { addManifestOptions, type ManifestOptions } from '../options/manifest.js';
import { parseChoice, parseIntOption, parseList } from '../options/parse.js';
import { emit, progress } from '../output.js';
import { PRECISIONS } from '../runtime/backends.js';
import { calibrationBatches } from '../runtime/calibration.js';

interface ExportOptions extends Partial<ManifestOptions> {
  bundle: string;
  out: string;
  format: string;
  precision: string;
  calibrationImages: string;
  json?: boolean;
}

const FORMATS = ['onnx', 'hf', 'both'] as const;

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description('Export a bundle to ONNX and/or a Hugging Face folder (transformers.js)')
    .requiredOption('--bundle <dir>', 'trained model bundle folder')
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <f>', 'onnx, hf or both', 'onnx')
    .option('--precision <list>', 'comma-separated: fp32, fp16, int8', 'fp32')
    .option('--calibration-images <n>', 'int8: images from --manifest used to calibrate activations', '32')
    .option('--json', 'machine-readable output');
  addManifestOptions(cmd, false).action(async (opts: ExportOptions) => {
    const format = parseChoice('--format', opts.format, FORMATS);
    const precisions = parseList('--precision', opts.precision, PRECISIONS);
    const count = parseIntOption('--calibration-images', opts.calibrationImages, 1)!;
    const bundle = await readBundle(opts.bundle);
    let quantization;
    if (precisions.includes('int8')) {
      if (!opts.manifest) throw new AffnetError('E_OPTION_INVALID', '--precision int8 needs calibration images: give --manifest FILE (training images)');
      quantization = { calibration: await calibrationBatches(bundle, opts as ManifestOptions, count) };
    }
    const onnx = await import('@affnet/backend-onnx');
    mkdirSync(opts.out, { recursive: true });
    const written: string[] = [];
    const bar = progress('export', precisions.length * (format === 'both' ? 2 : 1));
    if (format !== 'hf') {
      for (const precision of precisions) {
        const ex = await onnx.exportBundle(bundle, { precision, ...(precision === 'int8' ? { quantization: quantization! } : {}) });
        const file = join(opts.out, precision === 'fp32' ? 'model.onnx' : `model.${precision}.onnx`);
        writeFileSync(file, ex.bytes);
        written.push(file);
        bar.tick();
      }
    }
    if (format !== 'onnx') {
      const dir = format === 'both' ? join(opts.out, 'hf') : opts.out;
      written.push(...(await onnx.writeHfFolder(bundle, dir, { precisions, ...(quantization ? { quantization } : {}) })));
      bar.tick(precisions.length);
    }
    bar.stop();
    emit({ bundle: opts.bundle, format, precisions, files: written }, opts, () => written.map((f) => `wrote ${f}`).join('\n'));
  });
}
