/**
 * One call to bring pretrained weights (ImageNet or otherwise) into a core network: detects the
 * format, reads, matches by Keras layer name, and fills what is not loaded with seeded initial weights.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AffnetError, decodeSafetensors, initWeights, type NetworkGraph, type WeightMap } from '@affnet/core';
import { readKerasH5 } from './keras-h5.js';
import { importWeights, type ImportOptions, type ImportReport } from './match.js';
import { readTfjsLayersModel } from './tfjs-layers.js';

export type PretrainedFormat = 'keras-h5' | 'tfjs-layers' | 'safetensors';

export interface LoadPretrainedOptions extends ImportOptions {
  /** Seed of the initial weights of the layers not loaded (the head by default). @defaultValue 0 */
  seed?: number;
}

export interface PretrainedWeights {
  /** Every weight of the network. */
  weights: WeightMap;
  report: ImportReport;
  format: PretrainedFormat;
  path: string;
}

/** `keras-h5` for a file, `safetensors` for a .safetensors file (tensors named `layer/weight`), `tfjs-layers` for a folder with model.json or a model.json path. */
export async function detectPretrainedFormat(path: string): Promise<PretrainedFormat> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new AffnetError('E_FILE_NOT_FOUND', 'pretrained weights not found', { file: path });
  if (info.isDirectory()) {
    const hasJson = await stat(join(path, 'model.json')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!hasJson) throw new AffnetError('E_WEIGHTS_MISMATCH', 'folder has no model.json: expected a TensorFlow.js layers model folder or a Keras .h5 file', { file: path });
    return 'tfjs-layers';
  }
  return path.endsWith('.json') ? 'tfjs-layers' : path.toLowerCase().endsWith('.safetensors') ? 'safetensors' : 'keras-h5';
}

/**
 * Reads pretrained weights from a Keras H5 file or a TensorFlow.js layers-model folder and matches
 * them to `graph` by layer name (see {@link importWeights}; by default strict, head skipped).
 */
export async function loadPretrainedWeights(graph: NetworkGraph, path: string, options: LoadPretrainedOptions = {}): Promise<PretrainedWeights> {
  const format = await detectPretrainedFormat(path);
  const source = format === 'keras-h5' ? await readKerasH5(path) : format === 'safetensors' ? decodeSafetensors(new Uint8Array(await readFile(path)), path).tensors : await readTfjsLayersModel(path);
  const { weights, report } = importWeights(graph, initWeights(graph, options.seed ?? 0), source, options, path);
  return { weights, report, format, path };
}
