/**
 * The one runtime-neutral inference step: preprocessed images (core pathway output) → positive
 * probability, decided class and, on request, the class activation map of the decided class, on any
 * loaded model. `affnet predict`, `evaluate`, the held-out folds of `cv`, `compare` and services
 * all call this; none stacks batches or assembles CAMs itself.
 */
import { AffnetError } from '../errors.js';
import { bundleGraph } from '../bundle/index.js';
import type { ModelBundle } from '../bundle/types.js';
import { camFromFeatures, type MapBatch } from '../cam/class-activation.js';
import type { ForwardResult, ImageBatch, LoadedModel } from '../backend/types.js';
import { mapHeatmapToOriginal } from '../pathways/heatmap.js';
import { normaliseMap } from '../cam/normalise.js';
import type { Affine } from '../geometry/affine.js';

/** One preprocessed image: NHWC [N, N, 3] values (`preprocess(…).data`); map its CAM back with {@link camOnOriginal} and the pathway transform. */
export interface PredictInput {
  data: Float32Array;
}

export interface ImagePrediction {
  /** Probability of the bundle's positive class. */
  probability: number;
  /** Every class's probability, in the bundle's label order. */
  probabilities: Float32Array;
  /** Output index of the decided class at the threshold. */
  classIndex: number;
  label: string;
  /** Raw CAM of the decided class at feature resolution, [1, fh, fw] (logit units), when asked for. */
  cam?: MapBatch;
}

export interface PredictOptions {
  /** Compute the CAM of the decided class. @defaultValue false */
  cam?: boolean;
  /** Decision threshold on the positive probability. @defaultValue 0.5 */
  threshold?: number;
  /** Images per forward call. @defaultValue 16 */
  batchSize?: number;
}

/** The output index of the class called for a positive probability `p` at `threshold`. */
export function decidedClass(bundle: ModelBundle, p: number, threshold = 0.5): number {
  const { labels, positiveLabel } = bundle.manifest;
  const pos = labels.indexOf(positiveLabel);
  return p >= threshold ? pos : labels.findIndex((_l, i) => i !== pos);
}

/**
 * Class activation maps of a forward pass, one [1, fh, fw] map per image, for the given classes
 * (core `camFromFeatures` with the bundle's classifier kernel).
 * @throws AffnetError E_RUNTIME when the forward result has no feature map; E_BUNDLE_INVALID when the bundle lacks the classifier kernel
 */
export function classActivationMaps(bundle: ModelBundle, out: ForwardResult, classes: readonly number[]): MapBatch[] {
  if (!out.features) throw new AffnetError('E_RUNTIME', 'the forward result has no feature map for CAM (call forward(batch, { features: true }) on a runtime whose capabilities include features)');
  const graph = bundleGraph(bundle.manifest);
  const kernel = bundle.weights.get(`${graph.outputs.classifier}/kernel`);
  if (!kernel) throw new AffnetError('E_BUNDLE_INVALID', `the bundle has no ${graph.outputs.classifier}/kernel for CAM`, bundle.path ? { file: bundle.path } : {});
  const maps = camFromFeatures(out.features, { data: kernel.data, shape: kernel.shape }, classes);
  const [n, fh, fw] = maps.shape;
  return Array.from({ length: n }, (_v, k) => ({ data: maps.data.slice(k * fh * fw, (k + 1) * fh * fw), shape: [1, fh, fw] as [number, number, number] }));
}

/** Images stacked into one NHWC batch [n, N, N, 3]. */
export function stackImages(images: readonly { data: Float32Array }[], inputSize: number): ImageBatch {
  const per = inputSize * inputSize * 3;
  const data = new Float32Array(images.length * per);
  images.forEach((img, k) => {
    if (img.data.length !== per) {
      throw new AffnetError('E_BATCH_INVALID', `image ${k} has ${img.data.length} values; a ${inputSize}×${inputSize}×3 input needs ${per}`);
    }
    data.set(img.data, k * per);
  });
  return { data, shape: [images.length, inputSize, inputSize, 3] };
}

/** Run `model` on preprocessed images: one prediction per input, in order. */
export async function predictImages(model: LoadedModel, inputs: readonly PredictInput[], options: PredictOptions = {}): Promise<ImagePrediction[]> {
  const { threshold = 0.5, batchSize = 16 } = options;
  const m = model.bundle.manifest;
  const pos = m.labels.indexOf(m.positiveLabel);
  const out: ImagePrediction[] = [];
  for (let i = 0; i < inputs.length; i += batchSize) {
    const part = inputs.slice(i, i + batchSize);
    const result = await model.forward(stackImages(part, m.inputSize), { features: options.cam === true });
    const k = result.numClasses;
    const probs = part.map((_p, j) => result.probabilities[j * k + pos]!);
    const classes = probs.map((p) => decidedClass(model.bundle, p, threshold));
    const cams = options.cam ? classActivationMaps(model.bundle, result, classes) : [];
    part.forEach((_p, j) => {
      out.push({
        probability: probs[j]!,
        probabilities: result.probabilities.slice(j * k, (j + 1) * k),
        classIndex: classes[j]!,
        label: m.labels[classes[j]!]!,
        ...(options.cam ? { cam: cams[j]! } : {}),
      });
    });
  }
  return out;
}

/**
 * A CAM on the original image's pixel grid, min-max normalised to [0, 1]: the pathway's rotation and
 * crop are undone; original pixels the network never saw are NaN.
 * @param transform - the pathway's original → input transform
 */
export function camOnOriginal(cam: MapBatch, transform: Affine, width: number, height: number, inputSize: number): Float32Array {
  const unit = normaliseMap(cam);
  return mapHeatmapToOriginal({ width: cam.shape[2], height: cam.shape[1], data: unit.data.subarray(0, cam.shape[1] * cam.shape[2]) }, transform, width, height, { inputSize, fill: Number.NaN });
}
