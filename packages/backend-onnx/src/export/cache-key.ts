/**
 * The cache key of an export: a SHA-256 over everything that changes the written bytes — exporter
 * version, architecture, input size, labels, export options, the weights (names, shapes, values)
 * and, for int8, the calibration images.
 */
import { createHash } from 'node:crypto';
import { weightsHash, type ModelBundle } from '@affnet/core';
import { EXPORTER_VERSION } from './exporter.js';
import type { ModelExportOptions } from './precision.js';
import { QUANTIZER_VERSION } from '../quantize/qdq.js';

export function exportCacheKey(bundle: ModelBundle, options: ModelExportOptions = {}): string {
  const m = bundle.manifest;
  const { quantization, ...rest } = options;
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: EXPORTER_VERSION, a: m.architecture, s: m.inputSize, l: m.labels, p: m.positiveLabel, o: rest }));
  h.update(weightsHash(bundle.weights));
  if (quantization) {
    const { calibration, ...q } = quantization;
    // Defaults resolved, so a change of default is a new key rather than a stale cached model.
    h.update(JSON.stringify({ quantizer: QUANTIZER_VERSION, ...q, weightBits: q.weightBits ?? 7 }));
    for (const b of calibration) {
      h.update(`[${b.shape.join(',')}]`);
      h.update(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength));
    }
  }
  return h.digest('hex').slice(0, 32);
}
