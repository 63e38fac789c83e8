/**
 * A bundle as a Hugging Face model folder that `@huggingface/transformers` (transformers.js 4.x)
 * loads locally: `config.json` (labels), `preprocessor_config.json` (preprocessing as data) and
 * `onnx/model.onnx` (+ `model_fp16.onnx`, `model_int8.onnx`, chosen with the pipeline's `dtype`).
 *
 * The ONNX variant written here differs from this package's own export, to fit the pipeline:
 * input `pixel_values` NCHW [N, 3, H, W], output `logits` (the pipeline applies its own softmax),
 * and the per-image z-score *inside* the graph. The preprocessor is set to identity
 * (do_resize / do_rescale / do_normalize false, mean 0, std 1), so the pipeline hands the pixels
 * through unchanged and the graph does the one normalisation that core does. See the README for
 * what this means for inputs.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AffnetError, type ModelBundle } from '@affnet/core';
import { exportBundle, type ModelExport, type Precision } from '../export/precision.js';
import type { QuantizeOptions } from '../quantize/qdq.js';

export const HF_CONFIG = 'config.json';
export const HF_PREPROCESSOR_CONFIG = 'preprocessor_config.json';
/** File of each precision under onnx/, as transformers.js names them (dtype suffixes). */
export const HF_MODEL_FILES: Record<Precision, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  int8: 'onnx/model_int8.onnx',
};
/** transformers.js `dtype` for each precision. */
export const HF_DTYPE: Record<Precision, 'fp32' | 'fp16' | 'int8'> = { fp32: 'fp32', fp16: 'fp16', int8: 'int8' };

/**
 * transformers.js picks its JS model class from `model_type`. Its ResNetForImageClassification is a
 * plain "pixel_values → logits" session runner with no ResNet-specific code, so every affnet
 * network uses it; the real architecture is in `affnet.architecture`.
 */
export const HF_MODEL_TYPE = 'resnet';

export interface HfFolderOptions {
  /** Precisions to write. @defaultValue ['fp32'] */
  precisions?: Precision[];
  /** Calibration for int8. */
  quantization?: QuantizeOptions;
}

export function hfConfig(bundle: ModelBundle): Record<string, unknown> {
  const m = bundle.manifest;
  return {
    model_type: HF_MODEL_TYPE,
    architectures: ['ResNetForImageClassification'],
    num_labels: m.labels.length,
    id2label: Object.fromEntries(m.labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(m.labels.map((l, i) => [l, i])),
    affnet: {
      architecture: m.architecture,
      inputSize: m.inputSize,
      positiveLabel: m.positiveLabel,
      preprocessing: m.preprocessing,
      note: 'Input: the image after the affnet pathway (padded to square, resized to inputSize), grey in all three channels; the z-score is inside the ONNX graph.',
    },
  };
}

export function hfPreprocessorConfig(bundle: ModelBundle): Record<string, unknown> {
  const n = bundle.manifest.inputSize;
  return {
    // transformers.js needs a named processor; ViTImageProcessor is its base ImageProcessor with no
    // additions, so the flags below are all that run (ConvNext's, which real ResNets use, crops).
    image_processor_type: 'ViTImageProcessor',
    do_convert_rgb: true,
    do_resize: false,
    size: { height: n, width: n },
    do_center_crop: false,
    do_rescale: false,
    rescale_factor: 1,
    do_normalize: false,
    image_mean: [0, 0, 0],
    image_std: [1, 1, 1],
    do_pad: false,
  };
}

/** The Hugging Face variant of the export: NCHW `pixel_values`, in-graph z-score, `logits`. */
export function exportHfVariant(bundle: ModelBundle, precision: Precision, quantization?: QuantizeOptions): Promise<ModelExport> {
  const normalisation = bundle.manifest.preprocessing.normalisation;
  if (normalisation !== 'zscore') {
    // The graph z-scores its input; a bundle trained on other input (ImageNet 'caffe') would get wrong probabilities.
    return Promise.reject(
      new AffnetError(
        'E_OPTION_INVALID',
        `Hugging Face export: the graph normalises its input by per-image z-score, but this bundle was trained on "${normalisation}" input; export it as plain ONNX instead`,
        bundle.path ? { file: bundle.path } : {},
      ),
    );
  }
  return exportBundle(bundle, {
    inputLayout: 'nchw',
    inputName: 'pixel_values',
    zscore: true,
    outputs: { probabilities: false, features: false, logits: 'logits' },
    precision,
    ...(precision === 'fp16' ? { fp16Mode: 'weights' as const } : {}),
    ...(quantization ? { quantization } : {}),
  });
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Writes the folder `dir` (created if needed). Returns the files written, relative to `dir`.
 * @throws AffnetError E_OPTION_INVALID for int8 without calibration; E_BUNDLE_INVALID for bad weights
 */
export async function writeHfFolder(bundle: ModelBundle, dir: string, options: HfFolderOptions = {}): Promise<string[]> {
  const precisions = options.precisions ?? ['fp32'];
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const written: string[] = [];
  for (const p of precisions) {
    const { bytes } = await exportHfVariant(bundle, p, options.quantization);
    await writeAtomic(join(dir, HF_MODEL_FILES[p]), bytes);
    written.push(HF_MODEL_FILES[p]);
  }
  await writeAtomic(join(dir, HF_CONFIG), `${JSON.stringify(hfConfig(bundle), null, 2)}\n`);
  await writeAtomic(join(dir, HF_PREPROCESSOR_CONFIG), `${JSON.stringify(hfPreprocessorConfig(bundle), null, 2)}\n`);
  written.push(HF_CONFIG, HF_PREPROCESSOR_CONFIG);
  return written;
}
