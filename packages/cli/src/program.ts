/** Builds the `affnet` program. Testable without exiting: `runCli(argv)` returns the exit code. */
import { Command, CommanderError } from 'commander';
import { isAffnetError } from '@affnet/core';
import { CliError } from './errors.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('affnet')
    .description('Atypical femoral fracture (AFF) vs normal femoral fracture (NFF) classification on radiographs')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      process.stderr.write(`affnet: ${e.message}\n`);
      return e.exitCode;
    }
    if (isAffnetError(e)) {
      process.stderr.write(`affnet: [${e.code}] ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`affnet: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
