export { buildProgram, runCli } from './program.js';
export { CliError } from './errors.js';
export { optionTable } from './options/table.js';
