export { buildProgram, runCli } from './program.js';
export { CliError } from './errors.js';
