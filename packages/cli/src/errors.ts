/**
 * A CLI failure: an AffnetError (so it has a code like every other failure) with the exit code the
 * command ends with; only bin.ts turns it into process.exit. Exit 2 (the default): bad options or
 * input; 1: a run that stopped before finishing; 3: a batch that finished with failed items.
 */
import { AffnetError, type AffnetErrorCode } from '@affnet/core';

export class CliError extends AffnetError {
  constructor(
    message: string,
    readonly exitCode = 2,
    code: AffnetErrorCode = exitCode === 2 ? 'E_OPTION_INVALID' : 'E_INCOMPLETE',
  ) {
    super(code, message);
    this.name = 'CliError';
  }
}
