/**
 * Class activation maps of a forward pass, one per image, for chosen classes (core
 * `camFromFeatures` with the bundle's classifier kernel).
 */
import { bundleGraph, camFromFeatures, type ForwardResult, type MapBatch, type ModelBundle } from '@affnet/core';

/**
 * @param out - a forward result with features
 * @param classes - the class index to explain, per image (e.g. the predicted one)
 * @returns one [1, fh, fw] raw map per image
 */
export function camsOf(bundle: ModelBundle, out: ForwardResult, classes: readonly number[]): MapBatch[] {
  if (!out.features) throw new RangeError('the forward result has no features: call forward(batch, { features: true })');
  const graph = bundleGraph(bundle.manifest);
  const kernel = bundle.weights.get(`${graph.outputs.classifier}/kernel`);
  if (!kernel) throw new RangeError(`the bundle has no ${graph.outputs.classifier}/kernel for CAM`);
  const maps = camFromFeatures(out.features, { data: kernel.data, shape: kernel.shape }, classes);
  const [n, fh, fw] = maps.shape;
  return Array.from({ length: n }, (_v, k) => ({ data: maps.data.slice(k * fh * fw, (k + 1) * fh * fw), shape: [1, fh, fw] as [number, number, number] }));
}

/** The output index of the class called for a positive probability `p` at `threshold`. */
export function decidedClass(bundle: ModelBundle, p: number, threshold = 0.5): number {
  const { labels, positiveLabel } = bundle.manifest;
  const pos = labels.indexOf(positiveLabel);
  return p >= threshold ? pos : labels.findIndex((_l, i) => i !== pos);
}
