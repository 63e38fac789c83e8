export { createTfjsTrainer, trainTfjs, splitForMode } from './trainer.js';
export { presetFor } from './config.js';
export { imageBatchSource, deriveSeed, epochOrder } from './data.js';
export { readCheckpoint, CHECKPOINT_INDEX, OPTIMIZER_FILE, STATE_FILE } from './checkpoint.js';
export type { Checkpoint, TrainingState } from './checkpoint.js';
