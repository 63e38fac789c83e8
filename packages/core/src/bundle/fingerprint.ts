/**
 * A bundle's identity as bytes, not as a folder: SHA-256 over what changes a prediction (architecture,
 * input size, labels, the preprocessing, the aligner, every weight's name, shape and values), and
 * not over what does not (creation time, tool, metrics). Two copies of one bundle have one
 * fingerprint; results derived from it (DICOM UIDs, caches) can be keyed by it.
 */
import { createHash } from 'node:crypto';
import type { ModelBundle } from './types.js';

/** SHA-256 of the weights alone, in name order (hex). */
export function weightsHash(weights: ModelBundle['weights']): string {
  const h = createHash('sha256');
  for (const name of [...weights.keys()].sort()) {
    const w = weights.get(name)!;
    h.update(`${name}[${w.shape.join(',')}]`);
    h.update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  }
  return h.digest('hex');
}

/** The bundle's fingerprint (64 hex digits). */
export function bundleFingerprint(bundle: ModelBundle): string {
  const m = bundle.manifest;
  const h = createHash('sha256');
  h.update(JSON.stringify({ a: m.architecture, s: m.inputSize, l: m.labels, p: m.positiveLabel, pre: m.preprocessing, al: m.aligner ?? null }));
  h.update(weightsHash(bundle.weights));
  return h.digest('hex');
}
