/**
 * From a decoded radiograph to the network input a bundle expects, and from a prediction back to the
 * record a user reads: the two steps every prediction front end (`affnet predict`, `affnet serve`,
 * DICOMweb screening) shares, so they cannot drift apart. Given clicks win; otherwise the bundle's
 * aligner finds the fracture and the shaft axis (intervention and auto bundles).
 */
import type { BundleManifest } from '../bundle/types.js';
import { AffnetError, type RunWarning } from '../errors.js';
import type { Radiograph } from '../image/radiograph.js';
import type { InterventionClicks } from '../pathways/intervention.js';
import { preprocess, type Preprocessed } from '../pathways/preprocess.js';
import type { ImagePrediction } from './predict.js';

/**
 * Whether a bundle can run without clicks at all.
 * @throws AffnetError E_BUNDLE_INVALID for an auto bundle without an aligner (it can never run)
 */
export function checkBundleForPrediction(manifest: BundleManifest, file?: string): void {
  if (manifest.preprocessing.pathway === 'auto' && !manifest.aligner) {
    throw new AffnetError('E_BUNDLE_INVALID', 'the bundle uses the auto pathway but carries no aligner to find the fracture and the shaft axis', {
      ...(file ? { file } : {}),
      hint: { api: 'set manifest.aligner, or pass clicks for every image', cli: 'retrain it with affnet train --pathway auto, or give the points with --clicks MANIFEST' },
    });
  }
}

/**
 * The bundle's pathway input for one radiograph.
 * @param clicks - fracture and axis points, when the user gave them
 * @throws AffnetError E_OPTION_INVALID for an intervention bundle without an aligner and no clicks; any `preprocess` error
 */
export function prepareForBundle(radiograph: Radiograph, manifest: BundleManifest, clicks?: InterventionClicks): Preprocessed {
  const spec = manifest.preprocessing;
  if (spec.pathway !== 'automated' && !clicks && !manifest.aligner) {
    throw new AffnetError('E_OPTION_INVALID', `the bundle uses the ${spec.pathway} pathway, which needs the fracture and axis clicks, and carries no aligner to find them`, {
      file: radiograph.meta.source,
      hint: { api: 'pass clicks', cli: 'give them with --clicks MANIFEST (affnet annotate writes one), or use a bundle trained with an aligner' },
    });
  }
  return preprocess(radiograph, spec, { ...(clicks ? { clicks } : {}), ...(manifest.aligner && spec.pathway !== 'automated' ? { aligner: manifest.aligner } : {}) });
}

/** What a user reads about one prediction (no patient data: no names, ids or UIDs). */
export interface PredictionRecord {
  label: string;
  probability: number;
  positiveLabel: string;
  /** Intervention / auto: where the points came from. */
  alignment?: 'clicks' | 'auto';
  points?: InterventionClicks;
  alignmentConfidence?: number;
  /** A truncated file decoded on request, an unsure aligner. */
  warnings?: RunWarning[];
}

/** The record of `prediction` for the image `radiograph` preprocessed as `pre`. */
export function predictionRecord(
  manifest: BundleManifest,
  prediction: Pick<ImagePrediction, 'label' | 'probability'>,
  pre: Pick<Preprocessed, 'alignment'>,
  radiographWarnings: readonly RunWarning[] = [],
  file = '',
): PredictionRecord {
  const record: PredictionRecord = { label: prediction.label, probability: prediction.probability, positiveLabel: manifest.positiveLabel };
  const warnings = [...radiographWarnings];
  const a = pre.alignment;
  if (a) {
    record.alignment = a.source;
    record.points = a.clicks;
    if (a.confidence !== undefined) record.alignmentConfidence = Number(a.confidence.toFixed(3));
    if (a.warning) warnings.push({ kind: 'alignment', file, detail: a.warning });
  }
  if (warnings.length) record.warnings = warnings;
  return record;
}
