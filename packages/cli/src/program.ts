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

/** The first word that is not an option, when it names no command: "unknown command", exit 2 (before `--help` prints the top help and exits 0). */
function unknownCommand(program: Command, argv: readonly string[]): string | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === undefined || first === 'help') return undefined;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (names.includes(first)) return undefined;
  const near = names.find((n) => n.startsWith(first.slice(0, 3)));
  return `unknown command "${first}".${near ? ` Did you mean "${near}"?` : ''} Commands: ${names.join(', ')}`;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  const unknown = unknownCommand(program, argv);
  if (unknown) {
    process.stderr.write(`affnet: ${unknown}\n`);
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      process.stderr.write(`affnet: [${e.code}] ${e.cliMessage}\n`);
      return e.exitCode;
    }
    if (isAffnetError(e)) {
      // The hint names the flag, not the library option.
      process.stderr.write(`affnet: [${e.code}] ${e.cliMessage}\n`);
      return 2;
    }
    process.stderr.write(`affnet: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
