/**
 * Types of a dataset manifest: the list of radiographs of a cohort with their class, patient and
 * (for the intervention pathway) the user's clicks.
 */
import type { Point } from '../geometry/affine.js';

/** The manifest fields, in the column order manifests are written with. */
export const MANIFEST_FIELDS = ['path', 'label', 'patientId', 'view', 'fx', 'fy', 'ax', 'ay'] as const;
export type ManifestField = (typeof MANIFEST_FIELDS)[number];

/** The default classes of the reference study (Zdolsek et al. 2021): atypical vs normal femoral fracture. */
export const DEFAULT_LABELS = ['AFF', 'NFF'] as const;
export const DEFAULT_POSITIVE = 'AFF';

/**
 * The intervention pathway's clicks, in pixel coordinates of the stored image (centre of the
 * top-left pixel at (0, 0)): a point on the fracture (`fx`, `fy`) and a second point on the
 * femoral shaft axis (`ax`, `ay`); the line through both gives the shaft direction.
 */
export interface ClickPoints {
  fracture: Point;
  axis: Point;
}

export interface ManifestItem {
  /** Absolute path of the image: relative entries are resolved against the manifest's folder (or `imageDir`). */
  path: string;
  /** The path exactly as written in the manifest. */
  pathAsWritten: string;
  /** Class name (after label mapping): one of {@link Manifest.labels}. */
  label: string;
  /**
   * Patient identifier. When the manifest has no patient column, each image is its own patient and
   * this is the image's absolute path ({@link Manifest.patientIdsKnown} is false). Never log it.
   */
  patientId: string;
  view?: string;
  clicks?: ClickPoints;
  /** Columns the manifest had besides the known ones (kept, and written back). */
  extra?: Record<string, string>;
  /** 1-based line of a CSV manifest the item came from (absent for JSON), for per-item messages. */
  line?: number;
}

export interface Manifest {
  /** The file it was read from, as given, when it was read from a file. */
  file?: string;
  /** Folder relative image paths were resolved against. */
  baseDir: string;
  /** The two class names, positive first. */
  labels: readonly [string, string];
  /** The class reported as "the" probability and counted as positive by the metrics. */
  positive: string;
  /** False when the manifest had no patient column: each image then counts as its own patient. */
  patientIdsKnown: boolean;
  items: ManifestItem[];
}

/**
 * How to read a manifest whose columns or label values differ from the defaults. See
 * {@link FRACATLAS_MAPPING} for an example.
 */
export interface ManifestMapping {
  /** The file's column name for a field, e.g. `{ path: 'image', label: 'fractured' }`. Case-insensitive. */
  columns?: Partial<Record<ManifestField, string>>;
  /**
   * The class names: a list of two (`['AFF', 'NFF']`), or a map from the value written in the
   * file to the class name (`{ '1': 'fracture', '0': 'no_fracture' }`).
   * @defaultValue `['AFF', 'NFF']`
   */
  labels?: readonly string[] | Readonly<Record<string, string>>;
  /** The positive class name; required with custom labels. @defaultValue `'AFF'` for the default labels */
  positive?: string;
  /** Folder (relative to the manifest's folder, or absolute) that relative image paths are resolved against. */
  imageDir?: string;
}

export interface ManifestReadOptions extends ManifestMapping {
  /** @defaultValue from the file extension (`.json` → json, else csv), or from the content */
  format?: 'csv' | 'json';
  /** CSV delimiter. @defaultValue detected from the header line among `,` `;` tab */
  delimiter?: ',' | ';' | '\t';
  /** Check that every image file exists (missing ones are an `E_FILE_NOT_FOUND` listing their lines). @defaultValue false */
  checkFiles?: boolean;
}

/**
 * Mapping for the FracAtlas subset's `labels.csv` (columns image, fractured, hip, leg, …; no patient
 * ids; `image` already holds `images/NAME.jpg` relative to the CSV). Abedeen et al., Sci Data 10, 521 (2023).
 */
export const FRACATLAS_MAPPING = {
  columns: { path: 'image', label: 'fractured' },
  labels: { '1': 'fracture', '0': 'no_fracture' },
  positive: 'fracture',
} as const satisfies ManifestMapping;

/** Named mappings a command line can offer as `--manifest-preset NAME`. */
export const MANIFEST_PRESETS: Readonly<Record<string, ManifestMapping>> = { fracatlas: FRACATLAS_MAPPING };
