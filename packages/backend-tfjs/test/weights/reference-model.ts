/**
 * Test helper: loads a TensorFlow.js layers model with tfjs's own loader (`tf.loadLayersModel` over
 * `tf.io.fromMemory`, as tfjs-node is not installed for a file:// handler), optionally at another input
 * size and cut to given output layers. This is the reference the core networks are compared with.
 */
import * as tf from '@tensorflow/tfjs';
import type { TfjsModelJson } from '../../src/index.js';

interface KerasLayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

export function kerasLayers(json: TfjsModelJson): KerasLayerJson[] {
  return (json.modelTopology as { model_config: { config: { layers: KerasLayerJson[] } } }).model_config.config.layers;
}

export async function loadReference(json: TfjsModelJson, groupBytes: Uint8Array[], options: { inputSize: number; outputs: string[]; keep?: (layer: string) => boolean }): Promise<tf.LayersModel> {
  const topology = structuredClone(json.modelTopology) as { model_config: { config: Record<string, unknown> } };
  const config = topology.model_config.config as { layers: KerasLayerJson[]; output_layers: unknown };
  if (options.keep) config.layers = config.layers.filter((l) => options.keep!(l.name));
  config.layers[0]!.config.batch_input_shape = [null, options.inputSize, options.inputSize, 3];
  config.output_layers = options.outputs.map((n) => [n, 0, 0]);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  const all = Buffer.concat(groupBytes);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'], weightSpecs, weightData }), { strict: false });
}

/** max |a − b| / max |b|: the relative tolerance the comparisons state. */
export function relativeMaxDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}
