/**
 * The single entry point from a decoded radiograph to network input, used by every backend, the
 * evaluation, the CLI and the phantom contact sheet:
 *
 *   pathway transform (automated | intervention | auto) ∘ optional augmentation
 *     → ONE area-averaging / bilinear resample → normalisation (per-image z-score, or ImageNet
 *       'caffe' input for ImageNet weights) → 3 channels, NHWC.
 *
 * The transform actually applied (original pixel → input pixel) and its inverse are returned, so
 * maps computed on the input (class activation maps) can be drawn back onto the original.
 */
import type { ImageBatch } from '../backend/types.js';
import { NORMALISATIONS, PATHWAY_NAMES, type PathwayName, type PreprocessingSpec } from '../bundle/types.js';
import { AffnetError, choiceError } from '../errors.js';
import { compose, invert, type Affine } from '../geometry/affine.js';
import { resampleAffine } from '../geometry/resample.js';
import type { Radiograph } from '../image/radiograph.js';
import { drawAugmentation, type Augmentation, type AugmentOptions } from '../augment/augment.js';
import { automatedGeometry } from './automated.js';
import { borderMedian } from './background.js';
import { interventionGeometry, type InterventionClicks } from './intervention.js';
import { alignRadiograph, type AlignerModel } from './align/aligner.js';
import { caffeToChannels, zscoreToChannels, type ZscoreStats } from './normalise.js';

/** Channels of the network input: the grey plane replicated for ImageNet-initialised networks. */
export const INPUT_CHANNELS = 3;

export interface PreprocessOptions {
  /**
   * Fracture centre and a point on the shaft axis, for the intervention and auto pathways; given
   * clicks always win over the aligner.
   */
  clicks?: InterventionClicks;
  /**
   * Finds the clicks where none are given (core `pathways/align`): required by the auto pathway,
   * optional for the intervention pathway (usually the bundle's `manifest.aligner`).
   */
  aligner?: AlignerModel;
  /** Random augmentation (training only); omitted: none. */
  augment?: AugmentOptions;
}

/** A preprocessed image: network input plus everything needed to map results back. */
export interface Preprocessed {
  /** NHWC Float32, `shape` [1, N, N, 3]. */
  data: Float32Array;
  shape: [1, number, number, 3];
  /** Original pixel coordinates → network input pixel coordinates (augmentation included). */
  transform: Affine;
  /** Network input pixel coordinates → original pixel coordinates. */
  inverse: Affine;
  /** Fill value used for padding and out-of-image areas, in the radiograph's grey scale. */
  background: number;
  inputSize: number;
  pathway: PathwayName;
  /** Mean and SD of the resampled plane before normalisation. */
  stats: ZscoreStats;
  /** Intervention pathway: the crop side as used. */
  crop?: { side: number; unit: 'px' | 'mm' };
  augmentation?: Augmentation;
  /** Decisions worth knowing (e.g. a millimetre crop that fell back to a fraction). */
  notes: string[];
  /** Intervention and auto pathways: where the fracture and axis points came from. */
  alignment?: AlignmentRecord;
}

/** The points the crop was built on: the user's clicks, or what the aligner found (with its confidence). */
export interface AlignmentRecord {
  source: 'clicks' | 'auto';
  clicks: InterventionClicks;
  /** Auto: min of the fracture and axis confidences, in [0, 1]. */
  confidence?: number;
  fractureConfidence?: number;
  axisConfidence?: number;
  /** Auto: set when the aligner is unsure; the crop may miss the fracture. */
  warning?: string;
}

/**
 * Preprocess one radiograph as `spec` says (see the module comment).
 * @throws AffnetError `E_OPTION_INVALID` for a bad spec or missing/invalid clicks,
 *   `E_IMAGE_UNIFORM` for an image with nothing to normalise.
 */
export function preprocess(radiograph: Radiograph, spec: PreprocessingSpec, options: PreprocessOptions = {}): Preprocessed {
  validateSpec(spec);
  const N = spec.inputSize;
  const data = new Float32Array(N * N * INPUT_CHANNELS);
  const meta = preprocessInto(radiograph, spec, options, data, 0, new Float32Array(N * N));
  return { data, shape: [1, N, N, INPUT_CHANNELS], ...meta };
}

/** Per-item result of {@link preprocessBatch}: everything but the pixels, which are in the batch. */
export type PreprocessedItem = Omit<Preprocessed, 'data' | 'shape'> & {
  /** Index of the radiograph in the input list. */
  index: number;
};

export interface PreprocessBatchOptions {
  /** Clicks per radiograph (same order), for the intervention pathway. */
  clicks?: readonly (InterventionClicks | undefined)[];
  /** Finds the clicks where none are given (see {@link PreprocessOptions.aligner}). */
  aligner?: AlignerModel;
  /** Augmentation; one generator serves the whole batch, drawn in input order. */
  augment?: AugmentOptions;
  /** `throw` (default): the first failure aborts. `skip`: failures are recorded and left out. */
  onError?: 'throw' | 'skip';
}

export interface PreprocessedBatch {
  batch: ImageBatch;
  /** One per image in the batch, in batch order. */
  items: PreprocessedItem[];
  /** Radiographs left out (only with `onError: 'skip'`). */
  failures: { index: number; source: string; error: AffnetError }[];
}

/** Preprocess several radiographs straight into one NHWC batch. */
export function preprocessBatch(radiographs: readonly Radiograph[], spec: PreprocessingSpec, options: PreprocessBatchOptions = {}): PreprocessedBatch {
  validateSpec(spec);
  const onError = options.onError ?? 'throw';
  if (onError !== 'throw' && onError !== 'skip') throw choiceError('onError', String(onError), ['throw', 'skip']);
  const N = spec.inputSize;
  const size = N * N * INPUT_CHANNELS;
  const data = new Float32Array(size * radiographs.length);
  const plane = new Float32Array(N * N);
  const items: PreprocessedItem[] = [];
  const failures: PreprocessedBatch['failures'] = [];
  radiographs.forEach((r, index) => {
    const itemOptions: PreprocessOptions = {};
    const clicks = options.clicks?.[index];
    if (clicks) itemOptions.clicks = clicks;
    if (options.augment) itemOptions.augment = options.augment;
    if (options.aligner) itemOptions.aligner = options.aligner;
    try {
      items.push({ index, ...preprocessInto(r, spec, itemOptions, data, items.length * size, plane) });
    } catch (e) {
      if (onError === 'throw' || !(e instanceof AffnetError)) throw e;
      failures.push({ index, source: r.meta.source, error: e });
    }
  });
  const batchData = failures.length === 0 ? data : data.slice(0, items.length * size);
  return { batch: { data: batchData, shape: [items.length, N, N, INPUT_CHANNELS] }, items, failures };
}

/** Check a spec, with messages naming the field and the valid values. */
export function validateSpec(spec: PreprocessingSpec): void {
  const bad = (msg: string): never => {
    throw new AffnetError('E_OPTION_INVALID', `preprocessing.${msg}`);
  };
  if (!PATHWAY_NAMES.includes(spec.pathway)) throw choiceError('preprocessing.pathway', String(spec.pathway), PATHWAY_NAMES);
  if (!Number.isInteger(spec.inputSize) || spec.inputSize < 8 || spec.inputSize > 8192) {
    bad(`inputSize: expected an integer in [8, 8192], got ${String(spec.inputSize)}`);
  }
  if (!NORMALISATIONS.includes(spec.normalisation)) throw choiceError('preprocessing.normalisation', String(spec.normalisation), NORMALISATIONS);
  if (spec.cropFraction !== undefined && !(spec.cropFraction > 0 && spec.cropFraction <= 1)) {
    bad(`cropFraction: expected a number in (0, 1], got ${String(spec.cropFraction)}`);
  }
  if (spec.cropMillimetres !== undefined && !(spec.cropMillimetres > 0 && Number.isFinite(spec.cropMillimetres))) {
    bad(`cropMillimetres: expected a positive number, got ${String(spec.cropMillimetres)}`);
  }
  const bg = spec.background;
  if (bg !== undefined && bg !== 'border-median' && !(typeof bg === 'number' && Number.isFinite(bg))) {
    bad(`background: expected "border-median" or a finite number, got ${JSON.stringify(bg)}`);
  }
}

/** @internal Preprocess into `out` at `offset`, using `plane` (N·N) as scratch. */
function preprocessInto(r: Radiograph, spec: PreprocessingSpec, options: PreprocessOptions, out: Float32Array, offset: number, plane: Float32Array): Omit<Preprocessed, 'data' | 'shape'> {
  const N = spec.inputSize;
  const source = r.meta.source;
  if (r.data.length !== r.width * r.height || r.width < 1 || r.height < 1) {
    throw new AffnetError('E_OPTION_INVALID', `radiograph has ${r.data.length} values for ${r.width}x${r.height}`, { file: source });
  }
  const notes: string[] = [];
  let pathwayTransform: Affine;
  let crop: Preprocessed['crop'];
  let alignment: AlignmentRecord | undefined;
  if (spec.pathway === 'automated') {
    pathwayTransform = automatedGeometry(r.width, r.height, N).transform;
  } else {
    if (options.clicks) {
      alignment = { source: 'clicks', clicks: options.clicks };
    } else if (options.aligner) {
      const found = alignRadiograph(options.aligner, r);
      alignment = { source: 'auto', clicks: found.clicks, confidence: found.confidence, fractureConfidence: found.fractureConfidence, axisConfidence: found.axisConfidence };
      if (found.warning) alignment.warning = found.warning;
    } else if (spec.pathway === 'auto') {
      throw new AffnetError('E_OPTION_INVALID', "the auto pathway needs an aligner (the bundle's `aligner`) or clicks; neither was given", { file: source });
    } else {
      throw new AffnetError(
        'E_OPTION_INVALID',
        'the intervention pathway needs clicks: { fracture: {x, y}, axis: {x, y} } (fracture centre and a point on the shaft axis), or an aligner to find them; none were given',
        {
          file: source,
        },
      );
    }
    const g = interventionGeometry({
      width: r.width,
      height: r.height,
      inputSize: N,
      clicks: alignment.clicks,
      ...(spec.cropFraction === undefined ? {} : { cropFraction: spec.cropFraction }),
      ...(spec.cropMillimetres === undefined ? {} : { cropMillimetres: spec.cropMillimetres }),
      ...(r.meta.pixelSpacing === undefined ? {} : { pixelSpacing: r.meta.pixelSpacing }),
      source,
    });
    pathwayTransform = g.transform;
    crop = g.crop;
    if (spec.cropMillimetres !== undefined && g.crop.unit === 'px') {
      notes.push(`cropMillimetres ${spec.cropMillimetres} ignored: pixel spacing unknown; crop side ${g.crop.side.toFixed(1)} px (cropFraction)`);
    }
  }
  let augmentation: Augmentation | undefined;
  let transform = pathwayTransform;
  if (options.augment) {
    augmentation = drawAugmentation(N, options.augment);
    transform = compose(augmentation.matrix, pathwayTransform);
  }
  const background = typeof spec.background === 'number' ? spec.background : borderMedian(r);
  resampleAffine(r, transform, N, N, { fill: background, out: plane });
  const stats = spec.normalisation === 'imagenet-caffe' ? caffeToChannels(plane, out, offset, r.meta.bitDepth, source) : zscoreToChannels(plane, out, offset, INPUT_CHANNELS, source);
  const result: Omit<Preprocessed, 'data' | 'shape'> = {
    transform,
    inverse: invert(transform),
    background,
    inputSize: N,
    pathway: spec.pathway,
    stats,
    notes,
  };
  if (crop) result.crop = crop;
  if (alignment) result.alignment = alignment;
  if (augmentation) result.augmentation = augmentation;
  return result;
}
