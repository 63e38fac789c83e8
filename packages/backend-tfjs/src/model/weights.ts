/**
 * Moving weights between a tf.LayersModel and a weight map keyed `${layer}/${weight}` (Keras names,
 * as in core `weightSpecs`, bundles and Keras files).
 */
import * as tf from '@tensorflow/tfjs';
import { AffnetError, type WeightMap } from '@affnet/core';

/**
 * The Keras name of a layer variable. tfjs makes variable names globally unique (a second model
 * gets `block1_conv1/kernel_1`), so the layer name plus the last part of `originalName` is used.
 */
function variableKey(layer: tf.layers.Layer, v: tf.LayerVariable): string {
  const short = v.originalName.split('/').at(-1)!;
  return `${layer.name}/${short}`;
}

export interface SetWeightsOptions {
  /**
   * Require every model weight to be in the map and every map entry to be used.
   * @defaultValue true
   */
  strict?: boolean;
}

export interface SetWeightsReport {
  /** Model weights that were set. */
  set: string[];
  /** Model weights absent from the map (left as they were). */
  missing: string[];
  /** Map entries the model has no weight for. */
  unused: string[];
}

/**
 * Writes weights into a model by name. Shapes must match exactly.
 * @throws AffnetError E_WEIGHTS_MISMATCH listing wrongly shaped weights, and (strict) missing / unused ones
 */
export function setWeights(model: tf.LayersModel, weights: WeightMap, options: SetWeightsOptions = {}): SetWeightsReport {
  const strict = options.strict ?? true;
  const report: SetWeightsReport = { set: [], missing: [], unused: [] };
  const wrongShape: string[] = [];
  const plan: { v: tf.LayerVariable; key: string }[] = [];
  for (const layer of model.layers) {
    for (const v of layer.weights) {
      const key = variableKey(layer, v);
      const w = weights.get(key);
      if (!w) report.missing.push(key);
      else if (w.shape.join() !== v.shape.join() || w.data.length !== v.shape.reduce<number>((a, b) => a * (b ?? 0), 1)) {
        wrongShape.push(`${key} is [${w.shape.join(', ')}], the model needs [${v.shape.join(', ')}]`);
      } else plan.push({ v, key });
    }
  }
  const used = new Set(plan.map((p) => p.key));
  report.unused = [...weights.keys()].filter((k) => !used.has(k) && !report.missing.includes(k));
  const problems = [
    wrongShape.length ? `wrong shape: ${wrongShape.join(', ')}` : '',
    strict && report.missing.length ? `missing: ${report.missing.join(', ')}` : '',
    strict && report.unused.length ? `not in the model: ${report.unused.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new AffnetError('E_WEIGHTS_MISMATCH', `weights do not fit model "${model.name}": ${problems.join('; ')}`);
  }
  for (const { v, key } of plan) {
    const w = weights.get(key)!;
    const t = tf.tensor(w.data, w.shape, 'float32');
    v.write(t); // the variable takes its own reference to t's data
    t.dispose();
    report.set.push(key);
  }
  return report;
}

/** Every weight of a model, by `${layer}/${weight}` name, in layer order (copied out of the model). */
export function getWeights(model: tf.LayersModel): WeightMap {
  const out: WeightMap = new Map();
  for (const layer of model.layers) {
    for (const v of layer.weights) {
      const value = v.read();
      out.set(variableKey(layer, v), { shape: v.shape.map((d) => d ?? 0), data: Float32Array.from(value.dataSync()) });
    }
  }
  return out;
}
