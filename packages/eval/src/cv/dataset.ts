/**
 * The images of a manifest, read once and preprocessed once per pathway (core `readRadiograph` and
 * `preprocess`), held in memory for every network and fold of a cross-validation. An image that
 * cannot be read or preprocessed (corrupt file, missing clicks for the intervention pathway) is
 * recorded as a failure with the reason and left out; the run goes on.
 */
import {
  AffnetError,
  manifestTargets,
  preprocess,
  readRadiograph,
  type Affine,
  type AlignerModel,
  type AlignmentRecord,
  type Manifest,
  type NormalisationName,
  type PathwayName,
  type RunWarning,
  type PreprocessingSpec,
  type Radiograph,
} from '@affnet/core';

export interface PreparedImage {
  /** Index of the item in the manifest. */
  index: number;
  /** The path as written in the manifest. */
  id: string;
  /** Absolute path. */
  path: string;
  patientId: string;
  label: string;
  truth: 0 | 1;
  /** NHWC [N, N, 3] network input. */
  data: Float32Array;
  /** Original → input transform of the pathway. */
  transform: Affine;
  /** Intervention and auto pathways: the points the crop was built on (clicks, or found by the aligner). */
  alignment?: AlignmentRecord;
}

export interface PreparedSet {
  pathway: PathwayName;
  spec: PreprocessingSpec;
  /** Per manifest item; undefined where it failed. */
  images: Array<PreparedImage | undefined>;
  failures: Array<{ index: number; id: string; reason: string }>;
  /** Images that were read but with a caveat (a truncated file accepted), for the results' warnings. */
  warnings: Array<{ index: number; warning: RunWarning }>;
}

export interface PrepareOptions {
  onProgress?(done: number, total: number): void;
  /** Reads an image; core `readRadiograph` by default (DICOM or raster). */
  read?(path: string): Promise<Radiograph>;
  /**
   * Finds the fracture and axis: for the auto pathway (whose images are always aligned by it, the
   * manifest's clicks left for training it) and for intervention images without clicks. A function
   * gives each manifest item its own aligner (cross-fitting: one that never saw the item's clicks).
   */
  aligner?: AlignerModel | ((index: number) => AlignerModel | undefined);
  /** Let the aligner also crop intervention images that have no clicks (evaluate, compare). @defaultValue true */
  alignMissingClicks?: boolean;
}

/** The preprocessing spec a bundle of this run will carry. */
export function pathwaySpec(pathway: PathwayName, inputSize: number, cropFraction?: number, normalisation: NormalisationName = 'zscore'): PreprocessingSpec {
  return { pathway, inputSize, normalisation, ...(pathway !== 'automated' && cropFraction !== undefined ? { cropFraction } : {}) };
}

/** A failure as the results record it: the code and what happened, without the remedy (which depends on where the user is: API or CLI). */
function reason(e: unknown): string {
  return e instanceof AffnetError ? `[${e.code}] ${e.detail}` : e instanceof Error ? e.message : String(e);
}

/** Key of a prepared set: pathway and input size. */
export function specKey(spec: Pick<PreprocessingSpec, 'pathway' | 'inputSize'>): string {
  return `${spec.pathway}@${spec.inputSize}`;
}

/** Read every image once and preprocess it for each spec (pathway × input size). */
export async function prepareImages(manifest: Manifest, specs: readonly PreprocessingSpec[], options: PrepareOptions = {}): Promise<Map<string, PreparedSet>> {
  const read = options.read ?? ((p: string) => readRadiograph(p));
  const targets = manifestTargets(manifest);
  const sets = new Map<string, PreparedSet>(specs.map((spec) => [specKey(spec), { pathway: spec.pathway, spec, images: [], failures: [], warnings: [] }]));
  const items = manifest.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let radiograph: Radiograph | undefined;
    let readError: string | undefined;
    try {
      radiograph = await read(item.path);
    } catch (e) {
      readError = reason(e);
    }
    for (const set of sets.values()) {
      if (!radiograph) {
        set.images.push(undefined);
        set.failures.push({ index: i, id: item.pathAsWritten, reason: readError! });
        continue;
      }
      try {
        const aligner = typeof options.aligner === 'function' ? options.aligner(i) : options.aligner;
        const clicks = set.spec.pathway === 'auto' ? undefined : item.clicks;
        const p = preprocess(radiograph, set.spec, {
          ...(clicks ? { clicks } : {}),
          ...(aligner && (set.spec.pathway === 'auto' || (set.spec.pathway === 'intervention' && options.alignMissingClicks !== false)) ? { aligner } : {}),
        });
        for (const w of radiograph.meta.warnings ?? []) set.warnings.push({ index: i, warning: { ...w, file: item.pathAsWritten } });
        if (p.alignment?.warning) set.warnings.push({ index: i, warning: { kind: 'alignment', file: item.pathAsWritten, detail: p.alignment.warning } });
        set.images.push({
          index: i,
          id: item.pathAsWritten,
          path: item.path,
          patientId: item.patientId,
          label: item.label,
          truth: targets[i] as 0 | 1,
          data: p.data,
          transform: p.transform,
          ...(p.alignment ? { alignment: p.alignment } : {}),
        });
      } catch (e) {
        set.images.push(undefined);
        set.failures.push({ index: i, id: item.pathAsWritten, reason: reason(e) });
      }
    }
    options.onProgress?.(i + 1, items.length);
  }
  return sets;
}

/** The warnings of a prepared set as results record them: images left out, truncated files read (optionally only for `indices`). */
export function setWarnings(set: PreparedSet, indices?: readonly number[]): RunWarning[] {
  const wanted = indices ? new Set(indices) : undefined;
  const take = (i: number) => !wanted || wanted.has(i);
  return [
    ...set.failures.filter((f) => take(f.index)).map((f): RunWarning => ({ kind: 'left-out', file: f.id, detail: f.reason })),
    ...set.warnings.filter((w) => take(w.index)).map((w) => w.warning),
  ];
}
