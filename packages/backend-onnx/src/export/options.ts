/**
 * Options of the ONNX exporter and what it reports back. Public API.
 */
import { AffnetError, choiceError } from '@affnet/core';

export interface ExportOptions {
  /**
   * Batch axis of the input and outputs: `'dynamic'` (symbolic dimension `batch`) or a fixed size.
   * @defaultValue 'dynamic'
   */
  batch?: 'dynamic' | number;
  /**
   * Layout of the graph input. `'nhwc'` ([N, H, W, 3], the layout of core's ImageBatch and of the
   * tfjs backend) is transposed to NCHW inside the graph, where ONNX Conv works; `'nchw'` takes
   * [N, 3, H, W] directly (what transformers.js feeds as `pixel_values`).
   * @defaultValue 'nhwc'
   */
  inputLayout?: 'nhwc' | 'nchw';
  /** Name of the graph input. @defaultValue 'input' ('pixel_values' for the Hugging Face variant) */
  inputName?: string;
  /**
   * Per-image z-score inside the graph ((x − mean) / max(std, ε) over H, W and C of each image), for
   * runtimes that cannot run core's normalisation (transformers.js). Because a z-score of a z-scored
   * image is the image itself, feeding core's already normalised batch gives the same result.
   * @defaultValue false
   */
  zscore?: boolean;
  /** Which outputs to write, under which names; `false` leaves one out. */
  outputs?: {
    /** Softmax probabilities [N, k]. @defaultValue 'probabilities' */
    probabilities?: string | false;
    /** Last convolutional map, NHWC [N, fh, fw, c] like the tfjs backend. @defaultValue 'features' */
    features?: string | false;
    /** Pre-softmax scores [N, k] (what transformers.js expects as `logits`). @defaultValue false */
    logits?: string | false;
  };
  /** Fold batch norm into the preceding convolution where exact (see plan.ts). @defaultValue true */
  foldBatchNorm?: boolean;
  /** Named in weight errors. @defaultValue 'weights' */
  weightsFile?: string;
  /** `model_proto.doc_string` and metadata. */
  docString?: string;
  metadata?: Record<string, string>;
}

export interface ResolvedExportOptions {
  batch: 'dynamic' | number;
  inputLayout: 'nhwc' | 'nchw';
  inputName: string;
  zscore: boolean;
  outputs: { probabilities: string | false; features: string | false; logits: string | false };
  foldBatchNorm: boolean;
  docString: string;
  metadata: Record<string, string>;
}

/** ε of the in-graph z-score; matches core's per-image normalisation. */
export const ZSCORE_EPSILON = 1e-6;

export function resolveExportOptions(options: ExportOptions = {}): ResolvedExportOptions {
  const batch = options.batch ?? 'dynamic';
  if (batch !== 'dynamic' && (!Number.isInteger(batch) || batch < 1)) {
    throw new AffnetError('E_OPTION_INVALID', `batch: ${String(batch)} is not valid; use 'dynamic' or an integer ≥ 1`);
  }
  const inputLayout = options.inputLayout ?? 'nhwc';
  if (inputLayout !== 'nhwc' && inputLayout !== 'nchw') throw choiceError('inputLayout', String(inputLayout), ['nhwc', 'nchw']);
  const outputs = {
    probabilities: options.outputs?.probabilities ?? 'probabilities',
    features: options.outputs?.features ?? 'features',
    logits: options.outputs?.logits ?? false,
  };
  const names = Object.values(outputs).filter((n): n is string => n !== false);
  if (names.length === 0) throw new AffnetError('E_OPTION_INVALID', 'outputs: at least one of probabilities, features, logits must be written');
  const inputName = options.inputName ?? 'input';
  if (new Set([...names, inputName]).size !== names.length + 1) {
    throw new AffnetError('E_OPTION_INVALID', `outputs / inputName: names must differ, got input "${inputName}" and outputs ${names.map((n) => `"${n}"`).join(', ')}`);
  }
  return {
    batch,
    inputLayout,
    inputName,
    zscore: options.zscore ?? false,
    outputs,
    foldBatchNorm: options.foldBatchNorm ?? true,
    docString: options.docString ?? '',
    metadata: options.metadata ?? {},
  };
}
