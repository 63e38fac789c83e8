import { AffnetError, type RunWarning } from '../errors.js';

/** Metadata carried with every decoded radiograph. Patient fields never go to logs. */
export interface RadiographMeta {
  /** Where the pixels came from (a path or a label); used in error messages. */
  source: string;
  /** DICOM modality (CR, DX, …) or "OT" for raster files. */
  modality?: string;
  /** MONOCHROME1 / MONOCHROME2 as stored. After decoding, pixel values are always bone-bright. */
  photometricInterpretation?: string;
  /** Millimetres per pixel as [row spacing, column spacing], when known. */
  pixelSpacing?: [number, number];
  /** Significant bits of the stored values (8, 10, 12, 16 …). */
  bitDepth: number;
  patientId?: string;
  studyInstanceUid?: string;
  sopInstanceUid?: string;
  bodyPart?: string;
  viewPosition?: string;
  laterality?: string;
  /** Free-form notes on how the pixels were produced (LUTs applied, inversion …). */
  pipeline?: string[];
  /** What a user must know about these pixels (a truncated file decoded on request), as data. */
  warnings?: RunWarning[];
}

/**
 * A single-channel image, row-major, Float32. Values are in the file's own grey scale after the
 * display pipeline (0..2^bits−1 for raster files), bone bright.
 */
export interface Radiograph {
  width: number;
  height: number;
  data: Float32Array;
  meta: RadiographMeta;
}

export function createRadiograph(width: number, height: number, data: Float32Array, meta: RadiographMeta): Radiograph {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`${meta.source}: invalid image size ${width}x${height}`);
  }
  if (data.length !== width * height) {
    throw new RangeError(`${meta.source}: pixel count ${data.length} does not match ${width}x${height}`);
  }
  return { width, height, data, meta };
}

/** The `maxPixels` check, made on the header before any pixel is decoded. */
export function checkPixelLimit(width: number, height: number, maxPixels: number | undefined, file: string): void {
  if (maxPixels !== undefined && width * height > maxPixels) {
    throw new AffnetError('E_IMAGE_TOO_LARGE', `image size ${width}x${height} (${width * height} pixels) exceeds the limit of ${maxPixels} pixels`, { file });
  }
}
