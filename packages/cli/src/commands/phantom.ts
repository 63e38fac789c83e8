/**
 * `affnet phantom --out DIR --patients N --seed S --difficulty D`: a synthetic AFF / NFF cohort with
 * ground truth (16-bit PNG, DICOM, per-image truth JSON, manifest.csv), from @affnet/phantom.
 */
import type { Command } from 'commander';
import { generateCohort, type CohortSummary } from '@affnet/phantom';
import { CliError } from '../errors.js';
import { emit, progress } from '../output.js';

interface PhantomOptions {
  out: string;
  patients: string;
  seed: string;
  difficulty: string;
  affShare: string;
  images: string;
  height: string;
  workers?: string;
  png: boolean;
  dicom: boolean;
  json?: boolean;
}

function number(option: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new CliError(`${option}: "${v}" is not ${integer ? 'an integer' : 'a number'}`, 2);
  }
  return n;
}

/** "A" or "A,B" (also "A-B") → [A, B]. */
function range(option: string, v: string): [number, number] {
  const parts = v.split(/[,-]/);
  if (parts.length > 2) throw new CliError(`${option}: "${v}" is not N or MIN,MAX`, 2);
  const a = number(option, parts[0]!, true);
  return [a, parts.length === 2 ? number(option, parts[1]!, true) : a];
}

function render(s: CohortSummary): string {
  const lines = [
    `phantom cohort in ${s.out}`,
    `patients: ${s.patients.AFF} AFF, ${s.patients.NFF} NFF`,
    `images: ${s.images.written} written (${s.images.AFF} AFF, ${s.images.NFF} NFF), ${s.images.failed} failed`,
    `manifest: ${s.manifest}`,
    ...(s.dicomManifest ? [`DICOM manifest: ${s.dicomManifest}`] : []),
    `time: ${s.seconds.toFixed(1)} s (${s.imagesPerSecond.toFixed(2)} images/s, ${s.workers} worker${s.workers === 1 ? '' : 's'})`,
    ...s.failures.map((f) => `failed: ${f.stem}: [${f.code}] ${f.message}`),
  ];
  return lines.join('\n');
}

export function registerPhantom(program: Command): void {
  program
    .command('phantom')
    .description('Generate a synthetic AFF / NFF femur radiograph cohort with ground truth (PNG, DICOM, manifest)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--patients <n>', 'number of patients (40 % AFF by default)', '300')
    .option('--seed <s>', 'random seed: the same seed gives identical files', '1')
    .option('--difficulty <d>', 'difficulty in [0, 1]: 0 separates AFF and NFF cleanly, 1 blends the cues', '0.5')
    .option('--aff-share <f>', 'share of AFF patients', '0.4')
    .option('--images <range>', 'radiographs per patient, N or MIN,MAX', '2,4')
    .option('--height <range>', 'image height in pixels, N or MIN,MAX', '1500,2500')
    .option('--workers <n>', 'worker threads (0 renders in the main thread; default: min(2, CPUs))')
    .option('--no-png', 'do not write PNG files')
    .option('--no-dicom', 'do not write DICOM files')
    .option('--json', 'machine-readable output')
    .action(async (opts: PhantomOptions) => {
      const bar = progress('phantom', 0);
      let summary: CohortSummary;
      try {
        summary = await generateCohort({
          out: opts.out,
          patients: number('--patients', opts.patients, true),
          seed: number('--seed', opts.seed, true),
          difficulty: number('--difficulty', opts.difficulty, false),
          affShare: number('--aff-share', opts.affShare, false),
          imagesPerPatient: range('--images', opts.images),
          height: range('--height', opts.height),
          png: opts.png,
          dicom: opts.dicom,
          ...(opts.workers !== undefined ? { workers: number('--workers', opts.workers, true) } : {}),
          onProgress: (done, total) => {
            if (done === 1) bar.setTotal(total);
            bar.tick();
          },
        });
      } finally {
        bar.stop();
      }
      emit(summary, { json: opts.json }, () => render(summary));
      if (summary.failures.length > 0) throw new CliError(`${summary.failures.length} image(s) failed; see above`, 1);
    });
}
