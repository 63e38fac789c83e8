/**
 * One entry point for every radiograph file: DICOM (sniffed from the bytes, Part 10 or ACR-NEMA style)
 * goes through the DICOM decoder, anything else through the raster decoder (PNG, JPEG, TIFF).
 */
import { AffnetError } from '../errors.js';
import { loadBytes, openDicom } from '../dicom/decode.js';
import type { VoiChoice } from '../dicom/grey-pipeline.js';
import { isDicom } from '../dicom/sniff.js';
import { checkPixelLimit, type Radiograph } from './radiograph.js';
import { decodeRaster, type DecodeRasterOptions } from './raster.js';

export interface ReadRadiographOptions extends DecodeRasterOptions {
  /** DICOM: 0-based frame of a multi-frame file. @defaultValue 0 */
  frame?: number;
  /** DICOM: which VOI transform to apply. @defaultValue 'auto' */
  voi?: VoiChoice;
  /** Label for messages and `meta.source` when the input is a buffer. */
  source?: string;
}

/**
 * Reads a radiograph from a path or the file's bytes, whatever the format.
 * @throws AffnetError with the file named: `E_FILE_NOT_FOUND`, `E_IO`, `E_DICOM_*`, `E_IMAGE_*`
 */
export async function readRadiograph(input: string | Uint8Array, options: ReadRadiographOptions = {}): Promise<Radiograph> {
  const { bytes, source } = await loadBytes(input, options.source);
  if (isDicom(bytes)) {
    const dicom = await openDicom(bytes, { source });
    checkPixelLimit(dicom.pixelModule.columns, dicom.pixelModule.rows, options.maxPixels, source);
    return (await dicom.readFrame(options.frame ?? 0, options.voi ?? 'auto')).radiograph;
  }
  if (options.frame !== undefined && options.frame !== 0) {
    throw new AffnetError('E_OPTION_INVALID', `frame ${options.frame}: raster files have one frame (valid: 0)`, { file: source });
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeRaster(buf, source, {
    ...(options.truncated !== undefined ? { truncated: options.truncated } : {}),
    ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}),
  });
}
