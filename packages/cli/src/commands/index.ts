/** Every command registers itself on the program; one line per command file. */
import type { Command } from 'commander';
import { registerDemo } from './demo.js';
import { registerReport } from './report.js';
import { registerInspect } from './inspect.js';

export const commands: Array<(program: Command) => void> = [
  registerDemo,
  registerReport,
  registerInspect,
];
