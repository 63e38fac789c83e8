// Runtime-neutral inference: preprocessed images → probabilities, decided class, CAMs. Re-exports only.
export * from './predict.js';
export * from './prepare.js';
