/**
 * One more runtime: the bundle's Hugging Face folder (folder.ts) run through transformers.js's own
 * `image-classification` pipeline (which runs onnxruntime-node underneath). It gives class scores
 * only — for features and CAM use the 'onnx' backend. transformers.js is imported on first load, and
 * only local files are read (`env.allowRemoteModels = false`, `env.localModelPath`,
 * `local_files_only`).
 */
import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  AffnetError,
  checkBatch,
  checkLoadOptions,
  checkOutputFinite,
  choiceError,
  type EngineAvailability,
  type ForwardResult,
  type ImageBatch,
  type InferenceBackend,
  type LoadedModel,
  type LoadOptions,
  type ModelBundle,
  type RuntimeInfo,
} from '@affnet/core';
import { exportCacheKey } from '../export/cache-key.js';
import type { Precision } from '../export/precision.js';
import type { QuantizeOptions } from '../quantize/qdq.js';
import { TRANSFORMERS_CAPABILITIES } from '../runtime/capabilities.js';
import { engineAvailability } from '../runtime/providers.js';
import { HF_CONFIG, HF_DTYPE, HF_MODEL_FILES, writeHfFolder } from './folder.js';

type Transformers = typeof import('@huggingface/transformers');
type Classifier = (images: unknown[], options: { top_k: number | null }) => Promise<{ label: string; score: number }[][]>;

/** transformers.js devices this backend offers, best first. */
const DEVICES = ['cuda', 'webgpu', 'cpu'] as const;
type Device = (typeof DEVICES)[number];

export interface TransformersLoadOptions extends LoadOptions {
  /** transformers.js devices in order (it runs onnxruntime-node's providers). @defaultValue all, best first (cuda, webgpu, cpu) */
  engines?: Device[];
  /** @defaultValue 'fp32' */
  precision?: Precision;
  quantization?: QuantizeOptions;
  /** Where the model folder is written; an existing folder for the same weights is reused. */
  folder?: string;
}

export interface TransformersLoadedModel extends LoadedModel {
  /** The Hugging Face folder the pipeline reads. */
  readonly folder: string;
}

/** Copies one NHWC image into a transformers.js RawImage (float pixels, 3 channels). */
function rawImages(hf: Transformers, batch: ImageBatch): unknown[] {
  const [n, h, w, c] = batch.shape;
  const per = h * w * c;
  return Array.from({ length: n }, (_, b) => new hf.RawImage(batch.data.slice(b * per, (b + 1) * per) as unknown as Uint8ClampedArray, w, h, c as 3));
}

export function createTransformersBackend(): InferenceBackend & { load(bundle: ModelBundle, options?: TransformersLoadOptions): Promise<TransformersLoadedModel> } {
  let hfPromise: Promise<Transformers> | undefined;
  return {
    name: 'transformers',
    capabilities: TRANSFORMERS_CAPABILITIES,
    async engines(): Promise<EngineAvailability[]> {
      return Promise.all(DEVICES.map(async (d) => ({ ...(await engineAvailability(d)), engine: d })));
    },
    async load(bundle: ModelBundle, options: TransformersLoadOptions = {}): Promise<TransformersLoadedModel> {
      checkLoadOptions('transformers', TRANSFORMERS_CAPABILITIES, options);
      const precision = options.precision ?? 'fp32';
      const requested = options.engines ?? [...DEVICES];
      for (const d of requested) if (!(DEVICES as readonly string[]).includes(d)) throw choiceError('engines', String(d), DEVICES);
      const skipped: string[] = [];
      let device: Device | undefined;
      for (const d of options.allowFallback ? [...requested, ...DEVICES.filter((x) => !requested.includes(x))] : requested) {
        const a = await engineAvailability(d);
        if (a.available) {
          device = d;
          break;
        }
        skipped.push(`[${d}] ${a.reason}`);
      }
      if (!device) throw new AffnetError('E_BACKEND_UNAVAILABLE', `transformers: no requested device could start: ${skipped.join('; ')}`);

      const key = createHash('sha256')
        .update(exportCacheKey(bundle, { precision, ...(options.quantization ? { quantization: options.quantization } : {}) }))
        .update('hf')
        .digest('hex')
        .slice(0, 24);
      const folder = options.folder ?? join(tmpdir(), 'affnet-hf-cache', `${bundle.manifest.architecture}-${key}`);
      const modelFile = join(folder, HF_MODEL_FILES[precision]);
      const exists = await access(modelFile)
        .then(() => access(join(folder, HF_CONFIG)))
        .then(
          () => true,
          () => false,
        );
      if (!exists || options.folder) await writeHfFolder(bundle, folder, { precisions: [precision], ...(options.quantization ? { quantization: options.quantization } : {}) });

      hfPromise ??= import('@huggingface/transformers');
      const hf = await hfPromise;
      hf.env.allowRemoteModels = false;
      hf.env.allowLocalModels = true;
      hf.env.localModelPath = dirname(folder);
      let classify: Classifier;
      try {
        classify = (await hf.pipeline('image-classification', basename(folder), {
          dtype: HF_DTYPE[precision],
          device,
          local_files_only: true,
        })) as unknown as Classifier;
      } catch (e) {
        throw new AffnetError('E_RUNTIME', `transformers.js could not load the model folder: ${(e as Error).message}`, { file: folder, cause: e });
      }
      const labels = bundle.manifest.labels;
      const runtime: RuntimeInfo = {
        backend: 'transformers',
        engine: device,
        precision,
        details: { transformers: hf.env.version, folder, ...(skipped.length ? { skipped: skipped.join('; ') } : {}) },
      };
      let disposed = false;
      return {
        runtime,
        bundle,
        folder,
        async forward(batch: ImageBatch, forwardOptions: { features?: boolean } = {}): Promise<ForwardResult> {
          if (disposed) throw new AffnetError('E_OPTION_INVALID', 'forward: the model was disposed', { file: folder });
          if (forwardOptions.features) {
            throw new AffnetError('E_OPTION_INVALID', "forward: the transformers.js pipeline gives class scores only; use the 'onnx' backend for features and CAM", { file: folder });
          }
          checkBatch(batch, { inputSize: bundle.manifest.inputSize, where: `transformers.js (${device})`, file: folder });
          const n = batch.shape[0];
          const results = await classify(rawImages(hf, batch), { top_k: null });
          const k = labels.length;
          const probabilities = new Float32Array(n * k).fill(NaN);
          results.forEach((scores, b) => {
            for (const s of scores) probabilities[b * k + labels.indexOf(s.label)] = s.score;
          });
          checkOutputFinite(probabilities, 'class score (or a class is missing from its scores)', `transformers.js (${device})`, folder);
          return { probabilities, numClasses: k };
        },
        async dispose() {
          if (disposed) return;
          disposed = true;
          await (classify as unknown as { dispose?: () => Promise<void> }).dispose?.();
        },
      };
    },
  };
}
