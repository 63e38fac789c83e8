/**
 * A bundle loaded into one ONNX Runtime session: forward (probabilities, features) and CAM. The
 * session's input may be NHWC (this package's export) or NCHW (a Hugging Face style .onnx), with a
 * dynamic or fixed batch; batches are split or transposed to fit. CAMs: core `predictImages`.
 */
import { AffnetError, checkBatch, checkOutputFinite, type ForwardResult, type ImageBatch, type LoadedModel, type ModelBundle, type RuntimeInfo } from '@affnet/core';
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

function nhwcToNchw(data: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = data[((b * h + y) * w + x) * c + k]!;
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
    checkBatch(batch, { inputSize: this.bundle.manifest.inputSize, where: `onnx model (${this.runtime.engine})`, file: this.source });
  }

  async forward(batch: ImageBatch, options: { features?: boolean } = {}): Promise<ForwardResult> {
    if (this.disposed) throw new AffnetError('E_OPTION_INVALID', 'forward: the model was disposed', { file: this.source });
    this.check(batch);
    const wantFeatures = options.features === true;
    if (wantFeatures && !this.io.features) {
      throw new AffnetError(
        'E_OPTION_INVALID',
        'forward: the feature map was requested (CAM) but the ONNX model has no "features" output; export the bundle with affnet export (which adds it) or run the bundle itself',
        { file: this.source },
      );
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
    const where = `ONNX Runtime (${this.runtime.engine})`;
    checkOutputFinite(probs, 'probability', where, this.source);
    if (features) checkOutputFinite(features.data, 'feature-map value', where, this.source);
    return { probabilities: probs, numClasses: k, ...(features ? { features } : {}) };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}
