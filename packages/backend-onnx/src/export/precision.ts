/**
 * Export at a chosen numeric precision: fp32 (the exporter's output), fp16 (fp16.ts) or int8
 * (static QDQ quantisation calibrated on training images, quantize/qdq.ts).
 */
import { AffnetError, bundleGraph, type ModelBundle, type NetworkGraph } from '@affnet/core';
import { encodeModel } from '../proto/onnx.js';
import { quantizeQdq, type QuantizeOptions, type QuantizeReport } from '../quantize/qdq.js';
import { exportOnnx, type OnnxExport } from './exporter.js';
import { convertToFp16, type Fp16Mode } from './fp16.js';
import type { ExportOptions } from './options.js';
import type { WeightMap } from './weights.js';

export type Precision = 'fp32' | 'fp16' | 'int8';

export interface ModelExportOptions extends ExportOptions {
  /** @defaultValue 'fp32' */
  precision?: Precision;
  /** For fp16: float16 weights only, or a float16 graph (see fp16.ts). @defaultValue 'weights' */
  fp16Mode?: Fp16Mode;
  /** For int8: calibration images and method (required). */
  quantization?: QuantizeOptions;
}

export interface ModelExport extends OnnxExport {
  precision: Precision;
  fp16Mode?: Fp16Mode;
  quantization?: QuantizeReport;
}

export async function exportModel(graph: NetworkGraph, weights: WeightMap, options: ModelExportOptions = {}): Promise<ModelExport> {
  const precision = options.precision ?? 'fp32';
  const base = exportOnnx(graph, weights, options);
  switch (precision) {
    case 'fp32':
      return { ...base, precision };
    case 'fp16': {
      const fp16Mode = options.fp16Mode ?? 'weights';
      if (fp16Mode !== 'weights' && fp16Mode !== 'graph') {
        throw new AffnetError('E_OPTION_INVALID', `fp16Mode: unknown value "${String(fp16Mode)}". Available: weights, graph`);
      }
      const model = convertToFp16(base.model, fp16Mode);
      return { ...base, model, bytes: encodeModel(model), precision, fp16Mode };
    }
    case 'int8': {
      if (!options.quantization) {
        throw new AffnetError('E_OPTION_INVALID', 'quantization: precision "int8" needs calibration images (quantization.calibration: preprocessed training images)');
      }
      const { model, report } = await quantizeQdq(base.model, options.quantization);
      return { ...base, model, bytes: encodeModel(model), precision, quantization: report };
    }
    default:
      throw new AffnetError('E_OPTION_INVALID', `precision: unknown value "${String(precision)}". Available: fp32, fp16, int8`);
  }
}

/**
 * {@link exportModel} for a bundle: the network its manifest names, its weights, its labels in the
 * model metadata. Errors name the bundle folder.
 */
export async function exportBundle(bundle: ModelBundle, options: ModelExportOptions = {}): Promise<ModelExport> {
  const m = bundle.manifest;
  try {
    return await exportModel(bundleGraph(m), bundle.weights, {
      ...options,
      weightsFile: bundle.path ?? options.weightsFile,
      metadata: { labels: JSON.stringify(m.labels), positiveLabel: m.positiveLabel, inputSize: String(m.inputSize), ...options.metadata },
    });
  } catch (e) {
    if (e instanceof AffnetError && !e.file && bundle.path) throw new AffnetError(e.code, e.message, { file: bundle.path, cause: e });
    throw e;
  }
}
