/**
 * Class activation maps (Zhou et al. 2016, "Learning Deep Features for Discriminative Localization",
 * CVPR, eq. 2): with a head of global average pooling → dense, the map of class k at feature cell
 * (x, y) is M_k(x, y) = Σ_c w_{c,k} f_c(x, y), where f are the last convolutional features and w the
 * dense kernel. Because the pooling is a mean, mean_{x,y} M_k + b_k is exactly the logit of class k
 * (the input of the softmax), so the map is an exact decomposition of the class score.
 *
 * Pure math on plain arrays: upsampling (./upsample.ts), normalisation (./normalise.ts), colour
 * (./colour-map.ts) and the inverse pathway transform (core pathways) are separate steps.
 */
import { AffnetError } from '../errors.js';

/** A batch of single-channel maps, row-major: [n, height, width]. */
export interface MapBatch {
  data: Float32Array;
  shape: [number, number, number];
}

/** Last convolutional features, NHWC: [n, fh, fw, channels]. */
export interface FeatureBatch {
  data: Float32Array;
  shape: [number, number, number, number];
}

/** The dense layer's kernel, [channels, classes] (Keras layout). */
export interface DenseKernel {
  data: Float32Array;
  shape: number[];
}

function invalid(message: string): AffnetError {
  return new AffnetError('E_OPTION_INVALID', `cam: ${message}`);
}

/**
 * The class activation map of each image at feature resolution.
 *
 * @param features - [n, fh, fw, c] feature map (e.g. ForwardResult.features)
 * @param denseKernel - [c, k] kernel of the classifier (`predictions/kernel`)
 * @param classIndex - the class to explain, one for all images or one per image (e.g. the predicted class)
 * @returns [n, fh, fw] maps, not normalised (same units as the logits)
 * @throws AffnetError E_OPTION_INVALID when the shapes disagree or a class index is out of range
 */
export function camFromFeatures(features: FeatureBatch, denseKernel: DenseKernel, classIndex: number | readonly number[]): MapBatch {
  const [n, fh, fw, c] = features.shape;
  if (features.data.length !== n * fh * fw * c) {
    throw invalid(`features have ${features.data.length} values but shape [${features.shape.join(', ')}]`);
  }
  if (denseKernel.shape.length !== 2 || denseKernel.shape[0] !== c || denseKernel.data.length !== c * denseKernel.shape[1]!) {
    throw invalid(`dense kernel shape [${denseKernel.shape.join(', ')}] does not fit ${c} feature channels (expected [${c}, classes])`);
  }
  const k = denseKernel.shape[1]!;
  const classes = typeof classIndex === 'number' ? new Array<number>(n).fill(classIndex) : [...classIndex];
  if (classes.length !== n) throw invalid(`${classes.length} class indices for ${n} images`);
  for (const ci of classes) {
    if (!Number.isInteger(ci) || ci < 0 || ci >= k) throw invalid(`class index ${ci} is out of range; valid: 0 … ${k - 1}`);
  }
  const cells = fh * fw;
  const out = new Float32Array(n * cells);
  const w = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    const ci = classes[b]!;
    for (let ch = 0; ch < c; ch++) w[ch] = denseKernel.data[ch * k + ci]!;
    for (let p = 0; p < cells; p++) {
      const base = (b * cells + p) * c;
      let sum = 0; // accumulate in double: thousands of channels
      for (let ch = 0; ch < c; ch++) sum += w[ch]! * features.data[base + ch]!;
      out[b * cells + p] = sum;
    }
  }
  return { data: out, shape: [n, fh, fw] };
}

/** The spatial mean of each map: with the dense bias added, the logit of the mapped class. */
export function mapMeans(maps: MapBatch): Float64Array {
  const [n, h, w] = maps.shape;
  const means = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    let sum = 0;
    for (let p = 0; p < h * w; p++) sum += maps.data[b * h * w + p]!;
    means[b] = sum / (h * w);
  }
  return means;
}

/**
 * Global average pooling of NHWC feature maps: one row of `channels` values per image, summed in
 * double. The frozen-trunk features a head trains on, and (with the dense bias) what makes the CAM
 * an exact decomposition of the logit.
 */
export function globalAveragePool(features: FeatureBatch): Float32Array[] {
  const [n, h, w, c] = features.shape;
  if (features.data.length !== n * h * w * c) throw invalid(`features have ${features.data.length} values but shape [${features.shape.join(', ')}]`);
  const rows: Float32Array[] = [];
  const area = h * w;
  for (let b = 0; b < n; b++) {
    const sum = new Float64Array(c);
    const base = b * area * c;
    for (let p = 0; p < area; p++) for (let k = 0; k < c; k++) sum[k] += features.data[base + p * c + k]!;
    rows.push(Float32Array.from(sum, (v) => v / area));
  }
  return rows;
}
