/** `affnet report`: the HTML (and Markdown) report from results files of `cv`, `evaluate` and `compare`. */
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildReport, readComparisonResults, readExperimentResults, writeReport } from '@affnet/eval';
import { CliError } from '../errors.js';
import { emit, progress } from '../output.js';

interface ReportOptions {
  results?: string;
  compare?: string;
  out: string;
  title?: string;
  camCases: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write one self-contained HTML report (and the same as Markdown) from results files')
    .option('--results <file>', 'experiment results JSON from `affnet cv` or `affnet evaluate`')
    .option('--compare <file>', 'runtime comparison JSON from `affnet compare`')
    .option('--out <file>', 'HTML file to write; the Markdown goes next to it', 'report.html')
    .option('--title <text>', 'report title')
    .option('--cam-cases <n>', 'CAM gallery cases per network and pathway', '4')
    .option('--json', 'machine-readable output')
    .action(async (opts: ReportOptions) => {
      if (!opts.results && !opts.compare) throw new CliError('report: give --results FILE, --compare FILE, or both', 2);
      const camCases = Number(opts.camCases);
      if (!Number.isInteger(camCases) || camCases < 0) throw new CliError(`--cam-cases: expected a whole number ≥ 0, got "${opts.camCases}"`, 2);
      const bar = progress('report', 3);
      const experiment = opts.results ? readExperimentResults(opts.results) : undefined;
      const comparison = opts.compare ? readComparisonResults(opts.compare) : undefined;
      bar.tick();
      const doc = await buildReport({
        ...(experiment ? { experiment, experimentDir: dirname(resolve(opts.results!)) } : {}),
        ...(comparison ? { comparison } : {}),
        ...(opts.title ? { title: opts.title } : {}),
        camCasesPerGroup: camCases,
      });
      bar.tick();
      const written = writeReport(doc, opts.out);
      bar.tick();
      bar.stop();
      emit({ html: written.html, markdown: written.markdown, files: written.files.length }, opts, () => `report: ${written.html}\nmarkdown: ${written.markdown}`);
    });
}
