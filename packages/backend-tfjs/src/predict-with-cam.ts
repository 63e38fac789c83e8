/**
 * Prediction with class activation maps for any {@link LoadedModel}: one forward pass returning
 * probabilities and the last convolutional features, then core's `camFromFeatures` with the
 * bundle's dense kernel (the math stays in core), at feature resolution and upsampled to the input.
 * Mapping onto the original radiograph is core's `mapHeatmapToOriginal` with the pathway transform.
 */
import {
  AffnetError,
  bundleGraph,
  camFromFeatures,
  mapHeatmapToOriginal,
  upsampleBilinear,
  type Affine,
  type ImageBatch,
  type LoadedModel,
  type MapBatch,
} from '@affnet/core';

export interface CamOptions {
  /**
   * The class each map explains: "predicted" (the arg-max, as Zhou et al. 2016), "positive" (the
   * bundle's positive label, e.g. AFF), a class index, or one index per image. @defaultValue "predicted"
   */
  classIndex?: 'predicted' | 'positive' | number | readonly number[];
  /** Also return the maps upsampled (bilinear) to the N×N input. @defaultValue true */
  upsample?: boolean;
  /**
   * Per image, the pathway's original → input transform (core `preprocess(…).transform`) and the
   * original size: the maps are then also resampled onto the original radiographs.
   */
  originals?: readonly { transform: Affine; width: number; height: number }[];
}

export interface CamPrediction {
  probabilities: Float32Array;
  numClasses: number;
  /** The class each map explains. */
  classIndex: number[];
  /** [n, fh, fw] maps at feature resolution, not normalised (logit units). */
  cam: MapBatch;
  /** [n, N, N] the same maps upsampled to the input. */
  camInput?: MapBatch;
  /** With `originals`: each map over its original radiograph (row-major width × height, 0 outside the input). */
  camOriginal?: Float32Array[];
}

export async function predictWithCam(model: LoadedModel, batch: ImageBatch, options: CamOptions = {}): Promise<CamPrediction> {
  const { manifest, weights } = model.bundle;
  const graph = bundleGraph(manifest);
  const kernelName = `${graph.outputs.classifier}/kernel`;
  const kernel = weights.get(kernelName);
  if (!kernel) throw new AffnetError('E_BUNDLE_INVALID', `bundle has no ${kernelName} (the CAM weights)`, model.bundle.path ? { file: model.bundle.path } : {});
  const result = await model.forward(batch, { features: true });
  if (!result.features) throw new AffnetError('E_RUNTIME', `${model.runtime.backend}/${model.runtime.engine} returned no feature map`);
  const k = result.numClasses;
  const n = batch.shape[0];
  const spec = options.classIndex ?? 'predicted';
  const classIndex =
    spec === 'predicted'
      ? Array.from({ length: n }, (_, i) => {
          let best = 0;
          for (let c = 1; c < k; c++) if (result.probabilities[i * k + c]! > result.probabilities[i * k + best]!) best = c;
          return best;
        })
      : spec === 'positive'
        ? new Array<number>(n).fill(manifest.labels.indexOf(manifest.positiveLabel))
        : typeof spec === 'number'
          ? new Array<number>(n).fill(spec)
          : [...spec];
  const cam = camFromFeatures(result.features, kernel, classIndex);
  const out: CamPrediction = { probabilities: result.probabilities, numClasses: k, classIndex, cam };
  if (options.upsample ?? true) out.camInput = upsampleBilinear(cam, manifest.inputSize);
  if (options.originals) {
    if (options.originals.length !== n) throw new AffnetError('E_OPTION_INVALID', `originals: ${options.originals.length} entries for ${n} images`);
    const [, fh, fw] = cam.shape;
    out.camOriginal = options.originals.map((o, i) =>
      mapHeatmapToOriginal({ width: fw, height: fh, data: cam.data.subarray(i * fh * fw, (i + 1) * fh * fw) }, o.transform, o.width, o.height, {
        inputSize: manifest.inputSize,
      }),
    );
  }
  return out;
}
