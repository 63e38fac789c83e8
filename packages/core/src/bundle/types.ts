/**
 * A model bundle is a folder: `model.json` (this type) and `weights.safetensors`. It is the unit
 * every backend loads and every tool passes around. Preprocessing is data that travels with it.
 */
import type { Architecture } from '../models/graph.js';
import type { AlignerModel } from '../pathways/align/aligner.js';

export const BUNDLE_MANIFEST = 'model.json';
export const BUNDLE_WEIGHTS = 'weights.safetensors';
export const BUNDLE_FORMAT_VERSION = 1;

/**
 * - `automated`: pad to square and resize (the reference study's automated pathway);
 * - `intervention`: centre on the fracture, shaft axis vertical, crop (the two clicks of the user);
 * - `auto`: the intervention transform with the fracture and axis found by the bundle's aligner
 *   (core `pathways/align`), so no clicks are needed.
 */
export type PathwayName = 'automated' | 'intervention' | 'auto';
export const PATHWAY_NAMES: readonly PathwayName[] = ['automated', 'intervention', 'auto'];

/**
 * How the resampled grey plane becomes network input (core `pathways/normalise.ts`):
 * - `zscore`: per-image mean 0, SD 1, as the reference study (Zdolsek et al. 2021).
 * - `imagenet-caffe`: the input of Keras's ImageNet VGG19 / ResNet50 weights (0–255 scale, BGR,
 *   ImageNet channel means subtracted); measured better for frozen ImageNet trunks on FracAtlas
 *   (see the README, "Results: FracAtlas").
 */
export type NormalisationName = 'zscore' | 'imagenet-caffe';
export const NORMALISATIONS: readonly NormalisationName[] = ['zscore', 'imagenet-caffe'];

export interface PreprocessingSpec {
  pathway: PathwayName;
  /** Network input side N (N×N). */
  inputSize: number;
  /** Per-image normalisation; the reference study uses z-score. See {@link NormalisationName}. */
  normalisation: NormalisationName;
  /** Intervention pathway: crop side as a fraction of the padded image side (when no mm given). */
  cropFraction?: number;
  /** Intervention pathway: crop side in millimetres, used when pixel spacing is known. */
  cropMillimetres?: number;
  /**
   * Fill for padding and for areas outside the image: `'border-median'` (the median of a 1 % frame
   * along the image border, see core `pathways/background.ts`) or a fixed value in the radiograph's
   * own grey scale. @defaultValue 'border-median'
   */
  background?: 'border-median' | number;
}

export interface BundleManifest {
  format: 'affnet-bundle';
  formatVersion: number;
  architecture: Architecture;
  inputSize: number;
  /** Class names in output order. */
  labels: string[];
  /** The class whose probability is reported as "the" probability (e.g. "AFF"). */
  positiveLabel: string;
  preprocessing: PreprocessingSpec;
  provenance: {
    createdAt: string;
    tool: string;
    /** e.g. "imagenet", "random", "trained" */
    initialisation?: string;
    training?: Record<string, unknown>;
    seed?: number;
  };
  metrics?: Record<string, number>;
  /**
   * The aligner that finds the fracture and the shaft axis (core `pathways/align`): required by the
   * `auto` pathway, and used by an `intervention` bundle for images without clicks.
   */
  aligner?: AlignerModel;
}

/** A bundle in memory: its manifest and its weights by `${layer}/${weight}` name. */
export interface ModelBundle {
  manifest: BundleManifest;
  weights: Map<string, { shape: number[]; data: Float32Array }>;
  /** The folder it was read from, when it was read from disk. */
  path?: string;
}
