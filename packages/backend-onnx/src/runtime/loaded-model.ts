/**
 * A bundle loaded into one ONNX Runtime session: forward (probabilities, features) and CAM. The
 * session's input may be NHWC (this package's export) or NCHW (a Hugging Face style .onnx), with a
 * dynamic or fixed batch; batches are split or transposed to fit.
 */
import {
  AffnetError,
  bundleGraph,
  camFromFeatures,
  type ForwardResult,
  type ImageBatch,
  type LoadedModel,
  type MapBatch,
  type ModelBundle,
  type RuntimeInfo,
} from '@affnet/core';
import * as ort from 'onnxruntime-node';

export interface SessionIo {
  inputName: string;
  layout: 'nhwc' | 'nchw';
  /** Fixed batch size of the model, or undefined when dynamic. */
  fixedBatch?: number;
  probabilities: string;
  /** Softmax is applied here when the model gives logits only. */
  probabilitiesAreLogits: boolean;
  features?: string;
}

export interface CamResult {
  /** [n, fh, fw] maps at feature resolution, in logit units (core's camFromFeatures). */
  maps: MapBatch;
  /** The class each map explains. */
  classIndex: number[];
  probabilities: Float32Array;
  numClasses: number;
}

function assertFinite(data: Float32Array, what: string, source: string, code: 'E_IMAGE_UNSUPPORTED' | 'E_RUNTIME'): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new AffnetError(code, `${what} holds a non-finite value (${data[i]}) at index ${i}`, { file: source });
    }
  }
}

function nhwcToNchw(data: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = data[((b * h + y) * w + x) * c + k]!;
  return out;
}

function softmaxRows(logits: Float32Array, k: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i += k) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[i + j]!);
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(logits[i + j]! - m);
    for (let j = 0; j < k; j++) out[i + j] = Math.exp(logits[i + j]! - m) / s;
  }
  return out;
}

export class OnnxLoadedModel implements LoadedModel {
  private disposed = false;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly bundle: ModelBundle,
    readonly runtime: RuntimeInfo,
    private readonly io: SessionIo,
    /** Where the model came from, for error messages. */
    readonly source: string,
  ) {}

  private check(batch: ImageBatch): void {
    const [n, h, w, c] = batch.shape;
    const size = this.bundle.manifest.inputSize;
    if (h !== size || w !== size || c !== 3 || !Number.isInteger(n) || n < 1) {
      throw new AffnetError('E_OPTION_INVALID', `batch shape [${batch.shape.join(', ')}] does not fit the model: expected [n ≥ 1, ${size}, ${size}, 3] (NHWC)`, { file: this.source });
    }
    if (batch.data.length !== n * h * w * c) {
      throw new AffnetError('E_OPTION_INVALID', `batch has ${batch.data.length} values but shape [${batch.shape.join(', ')}] needs ${n * h * w * c}`, { file: this.source });
    }
    assertFinite(batch.data, 'the input batch', this.source, 'E_IMAGE_UNSUPPORTED');
  }

  async forward(batch: ImageBatch, options: { features?: boolean } = {}): Promise<ForwardResult> {
    if (this.disposed) throw new AffnetError('E_OPTION_INVALID', 'forward: the model was disposed', { file: this.source });
    this.check(batch);
    const wantFeatures = options.features === true;
    if (wantFeatures && !this.io.features) {
      throw new AffnetError('E_OPTION_INVALID', 'forward: features were requested but the ONNX model has no "features" output', { file: this.source });
    }
    const [n, h, w, c] = batch.shape;
    const k = this.bundle.manifest.labels.length;
    const step = this.io.fixedBatch ?? n;
    const per = h * w * c;
    const probs = new Float32Array(n * k);
    let features: { data: Float32Array; shape: [number, number, number, number] } | undefined;
    for (let start = 0; start < n; start += step) {
      const m = Math.min(step, n - start);
      let data = batch.data.subarray(start * per, (start + m) * per);
      if (m < step) {
        const padded = new Float32Array(step * per); // a fixed-batch model: pad the last chunk
        padded.set(data);
        data = padded;
      }
      const dims = this.io.layout === 'nhwc' ? [step, h, w, c] : [step, c, h, w];
      const input = new ort.Tensor('float32', this.io.layout === 'nhwc' ? data : nhwcToNchw(data, step, h, w, c), dims);
      const fetches = [this.io.probabilities, ...(wantFeatures ? [this.io.features!] : [])];
      let out: ort.InferenceSession.ReturnType;
      try {
        out = await this.session.run({ [this.io.inputName]: input }, fetches);
      } catch (e) {
        throw new AffnetError('E_RUNTIME', `ONNX Runtime (${this.runtime.engine}) failed to run the model: ${(e as Error).message}`, { file: this.source, cause: e });
      }
      const p = out[this.io.probabilities]!;
      const pData = (this.io.probabilitiesAreLogits ? softmaxRows(p.data as Float32Array, k) : (p.data as Float32Array)).subarray(0, m * k);
      probs.set(pData, start * k);
      if (wantFeatures) {
        const f = out[this.io.features!]!;
        const [, fh, fw, fc] = f.dims as number[];
        if (!features) features = { data: new Float32Array(n * fh! * fw! * fc!), shape: [n, fh!, fw!, fc!] };
        const fper = fh! * fw! * fc!;
        features.data.set((f.data as Float32Array).subarray(0, m * fper), start * fper);
      }
      for (const t of Object.values(out)) t.dispose();
    }
    assertFinite(probs, 'the runtime returned probabilities that', this.source, 'E_RUNTIME');
    if (features) assertFinite(features.data, 'the runtime returned a feature map that', this.source, 'E_RUNTIME');
    return { probabilities: probs, numClasses: k, ...(features ? { features } : {}) };
  }

  /**
   * Class activation maps (core's camFromFeatures) for each image, of the predicted class unless
   * `classIndex` names one (a number for all images or one per image).
   */
  async cam(batch: ImageBatch, options: { classIndex?: number | number[] } = {}): Promise<CamResult> {
    const result = await this.forward(batch, { features: true });
    const k = result.numClasses;
    const n = batch.shape[0];
    const classIndex =
      options.classIndex === undefined
        ? Array.from({ length: n }, (_, b) => {
            const row = result.probabilities.subarray(b * k, (b + 1) * k);
            return row.indexOf(Math.max(...row));
          })
        : typeof options.classIndex === 'number'
          ? new Array<number>(n).fill(options.classIndex)
          : options.classIndex;
    const classifier = bundleGraph(this.bundle.manifest).outputs.classifier;
    const kernel = this.bundle.weights.get(`${classifier}/kernel`);
    if (!kernel) throw new AffnetError('E_BUNDLE_INVALID', `cam: weight "${classifier}/kernel" is missing`, { file: this.bundle.path ?? this.source });
    const maps = camFromFeatures(result.features!, kernel, classIndex);
    return { maps, classIndex, probabilities: result.probabilities, numClasses: k };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}
