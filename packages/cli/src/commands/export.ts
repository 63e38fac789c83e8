/**
 * `affnet export`: a bundle as ONNX (fp32 / fp16 / int8, with the probabilities and the feature map
 * for CAM as outputs) and/or as a Hugging Face folder that transformers.js loads locally.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, PRECISIONS, readBundle } from '@affnet/core';
import { addManifestOptions, type ManifestOptions } from '../options/manifest.js';
import { checkOutFolder, parseChoice, parseIntOption, parseList } from '../options/parse.js';
import { emit, progress } from '../output.js';
import { retireFlags } from '../options/runtime.js';
import { calibrationBatches } from '../runtime/calibration.js';

interface ExportOptions extends Partial<ManifestOptions> {
  bundle: string;
  out: string;
  format: string;
  precisions: string;
  calibrationImages: string;
  int8Weights: string;
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
    .option('--precisions <list>', 'comma-separated: fp32, fp16, int8', 'fp32')
    .option('--calibration-images <n>', 'int8: images from --manifest used to calibrate activations', '32')
    .option('--int8-weights <bits>', 'int8: weight range, 7 (exact on every x86 CPU) or 8 (exact only on CPUs with VNNI / AMX / Arm DOTPROD; drifts on AVX2-only CPUs)', '7')
    .option('--json', 'machine-readable output');
  retireFlags(cmd, [{ flags: '--precision <list>', instead: (v) => `--precisions ${String(v)}` }]);
  addManifestOptions(cmd, false).action(async (opts: ExportOptions) => {
    const format = parseChoice('--format', opts.format, FORMATS);
    const precisions = parseList('--precisions', opts.precisions, PRECISIONS);
    checkOutFolder('--out', opts.out, 'model.onnx');
    const count = parseIntOption('--calibration-images', opts.calibrationImages, 1)!;
    const weightBits = Number(parseChoice('--int8-weights', opts.int8Weights, ['7', '8'] as const)) as 7 | 8;
    const bundle = await readBundle(opts.bundle);
    let quantization: { calibration: Awaited<ReturnType<typeof calibrationBatches>>; weightBits: 7 | 8 } | undefined;
    if (precisions.includes('int8')) {
      if (!opts.manifest) throw new AffnetError('E_OPTION_INVALID', '--precisions int8 needs calibration images: give --manifest FILE (training images)');
      quantization = { calibration: await calibrationBatches(bundle, opts as ManifestOptions, count), weightBits };
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
    const scheme = quantization ? { int8: onnx.describeScheme(weightBits) } : {};
    emit({ bundle: opts.bundle, format, precisions, files: written, ...scheme }, opts, () => [...written.map((f) => `wrote ${f}`), ...(quantization ? [`int8: ${scheme.int8}`] : [])].join('\n'));
  });
}
