/** `affnet report`: the HTML (and Markdown) report from results files of `cv`, `evaluate` and `compare`. */
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildReport, mergeExperiments, readComparisonResults, readExperimentResults, writeReport } from '@affnet/eval';
import { CliError } from '../errors.js';
import { checkOutFolder, parseIntOption } from '../options/parse.js';
import { retireFlags } from '../options/runtime.js';

/** The report's file name inside `--out`. */
export const REPORT_FILE = 'report.html';
import { emit, progress } from '../output.js';

interface ReportOptions {
  results?: string[];
  arms?: string;
  compare?: string;
  out: string;
  title?: string;
  gallery: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('Write one self-contained HTML report (and the same as Markdown) from results files')
    .option('--results <files...>', 'experiment results JSON from `affnet cv` or `affnet evaluate`; several cv results of the same images and folds are merged and compared')
    .option('--arms <labels>', 'with several --results: one label per file, comma-separated, appended to its network names (e.g. "ImageNet,random")')
    .option('--compare <file>', 'runtime comparison JSON from `affnet compare`')
    .option('--out <dir>', 'folder to write report.html and report.md (and their figures) into', 'report')
    .option('--title <text>', 'report title')
    .option('--gallery <n>', 'CAM gallery cases per network and pathway', '4')
    .option('--json', 'machine-readable output');
  retireFlags(cmd, [{ flags: '--cam-cases <n>', instead: (v) => `--gallery ${String(v)}` }]);
  cmd.action(async (opts: ReportOptions) => {
    const files = opts.results ?? [];
    const arms = opts.arms ? opts.arms.split(',').map((s) => s.trim()) : [];
    if (arms.length > 0 && arms.length !== files.length) throw new CliError(`--arms: ${arms.length} labels for ${files.length} results files; give one per file`, 2);
    if (files.length === 0 && !opts.compare) throw new CliError('report: give --results FILE, --compare FILE, or both', 2);
    const camCases = parseIntOption('--gallery', opts.gallery, 0, 100)!;
    checkOutFolder('--out', opts.out, REPORT_FILE);
    const reportFile = join(opts.out, REPORT_FILE);
    const bar = progress('report', 3);
    const experimentDir = files.length === 1 ? dirname(resolve(files[0]!)) : resolve(opts.out);
    const experiment =
      files.length === 0
        ? undefined
        : files.length === 1
          ? readExperimentResults(files[0]!)
          : mergeExperiments(
              files.map((file, i) => ({ results: readExperimentResults(file), file, ...(arms[i] ? { label: arms[i] } : {}) })),
              experimentDir,
            );
    const comparison = opts.compare ? readComparisonResults(opts.compare) : undefined;
    bar.tick();
    const doc = await buildReport({
      ...(experiment ? { experiment, experimentDir } : {}),
      ...(comparison ? { comparison } : {}),
      ...(opts.title ? { title: opts.title } : {}),
      camCasesPerGroup: camCases,
    });
    bar.tick();
    const written = writeReport(doc, reportFile);
    bar.tick();
    bar.stop();
    emit({ html: written.html, markdown: written.markdown, files: written.files.length }, opts, () => `report: ${written.html}\nmarkdown: ${written.markdown}`);
  });
}
