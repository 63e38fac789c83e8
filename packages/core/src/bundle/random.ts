/**
 * A bundle holding a network's seeded initial weights: the starting point a trainer uses when no
 * weights are given (`initWeights(graph, seed)`), as a bundle, for code that must load those same
 * starting weights elsewhere (e.g. a frozen trunk run by another backend).
 */
import { buildNetwork } from '../models/index.js';
import { initWeights } from './init.js';
import { createBundleManifest, type CreateManifestOptions } from './manifest.js';
import type { ModelBundle } from './types.js';

export function initialBundle(options: Omit<CreateManifestOptions, 'seed'> & { seed: number }): ModelBundle {
  const manifest = createBundleManifest({ initialisation: `random (seeded ${options.seed})`, ...options });
  const graph = buildNetwork(manifest.architecture, { inputSize: manifest.inputSize, numClasses: manifest.labels.length });
  return { manifest, weights: initWeights(graph, options.seed) };
}
