/** Every command registers itself on the program; one line per command file. */
import type { Command } from 'commander';
import { registerDemo } from './demo.js';
import { registerReport } from './report.js';
import { registerTrain } from './train.js';
import { registerCv } from './cv.js';
import { registerPredict } from './predict.js';
import { registerEvaluate } from './evaluate.js';
import { registerExport } from './export.js';
import { registerCompare } from './compare.js';
import { registerInspect } from './inspect.js';
import { registerPhantom } from './phantom.js';
import { registerWeights } from './weights.js';
import { registerAlign } from './align.js';
import { registerAnnotate } from './annotate.js';
import { registerServe } from './serve.js';
import { registerScreen } from './screen.js';
import { registerWorker } from './worker.js';

export const commands: Array<(program: Command) => void> = [
  registerDemo,
  registerReport,
  registerTrain,
  registerCv,
  registerPredict,
  registerEvaluate,
  registerExport,
  registerCompare,
  registerInspect,
  registerPhantom,
  registerWeights,
  registerAlign,
  registerAnnotate,
  registerServe,
  registerScreen,
  registerWorker,
];
