/**
 * Raster radiographs (PNG 8/16-bit, JPEG, TIFF 8/16-bit) to {@link Radiograph}, with sharp (libvips).
 * 16-bit data is read as 16-bit (no 8-bit round trip); grey stored as RGB becomes one channel; colour
 * becomes BT.601 luminance, noted in `meta.pipeline`. Embedded ICC profiles are not applied: a
 * radiograph's stored values are measurements, not colours to be managed.
 *
 * Truncated files: a PNG or JPEG that ends before its end marker (PNG IEND, JPEG EOI) is refused by
 * default (`E_IMAGE_DECODE`), because the decoder invents the missing rows. With
 * `{ truncated: 'accept' }` the partial image is decoded and the pipeline notes say so.
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { AffnetError, choiceError, type RunWarning } from '../errors.js';
import { toSingleChannel } from './channels.js';
import { checkPixelLimit, createRadiograph, type Radiograph } from './radiograph.js';
import { jpegIsTruncated, pngIsTruncated, sniffOther, sniffRaster, SUPPORTED_RASTER_FORMATS, tiffPhotometric, type RasterFormat } from './sniff.js';

export interface DecodeRasterOptions {
  /**
   * A PNG/JPEG that ends before its end marker: `'error'` refuses it, `'accept'` decodes what is
   * there (libjpeg/libpng fill the missing rows) and notes it in `meta.pipeline`.
   * @defaultValue 'error'
   */
  truncated?: 'error' | 'accept';
  /** Refuse (`E_IMAGE_TOO_LARGE`) an image with more pixels than this, from its header, before decoding. */
  maxPixels?: number;
}

const SPACES_GREY = new Set(['b-w', 'grey16']);
const SPACES_RGB = new Set(['srgb', 'rgb', 'rgb16', 'scrgb']);

/**
 * Decode a PNG, JPEG or TIFF radiograph.
 * @param input - file path, or the file's bytes
 * @param source - label for messages and `meta.source` (default: the path, or "<buffer>")
 * @throws AffnetError `E_FILE_NOT_FOUND`, `E_IO`, `E_IMAGE_UNSUPPORTED` (another format, a pixel
 *   format other than 8/16-bit unsigned grey/RGB), `E_IMAGE_DECODE` (corrupt or truncated data)
 */
export async function decodeRaster(input: Buffer | string, source?: string, options: DecodeRasterOptions = {}): Promise<Radiograph> {
  const file = source ?? (typeof input === 'string' ? input : '<buffer>');
  const truncatedMode = options.truncated ?? 'error';
  if (truncatedMode !== 'error' && truncatedMode !== 'accept') throw choiceError('truncated', String(truncatedMode), ['error', 'accept']);
  const buf = typeof input === 'string' ? await readBytes(input, file) : input;
  if (buf.length === 0) throw new AffnetError('E_IMAGE_DECODE', 'file is empty', { file });

  const format = sniffRaster(buf);
  if (!format) {
    const other = sniffOther(buf);
    const what = other ? `${other} files are not supported here` : 'unrecognised file format';
    throw new AffnetError('E_IMAGE_UNSUPPORTED', `${what}; supported raster formats: ${SUPPORTED_RASTER_FORMATS.join(', ')}`, { file });
  }

  // Strict first; a truncated file is retried leniently only when the caller accepts truncation.
  let decoded: Decoded;
  try {
    decoded = await decodeWith(buf, 'warning', format, file, options.maxPixels);
  } catch (e) {
    if (e instanceof AffnetError || !(truncatedMode === 'accept' && isTruncated(format, buf))) throw asDecodeError(format, e, file, buf);
    try {
      decoded = await decodeWith(buf, 'none', format, file, options.maxPixels);
    } catch (e2) {
      throw asDecodeError(format, e2, file, buf, true);
    }
    decoded.truncated = true;
  }
  const { data, info, meta, notes, whiteIsZero } = decoded;
  const grey = SPACES_GREY.has(meta.space);
  const sixteen = meta.depth === 'ushort';
  // Float32 samples in native byte order; a Float32Array view needs a 4-byte aligned offset.
  const aligned = data.byteOffset % 4 === 0 ? data : Buffer.from(data);
  const pixels = new Float32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
  const single = toSingleChannel(pixels, info.channels, meta.hasAlpha, sixteen ? 65535 : 255);
  const warnings: RunWarning[] = [];
  if (decoded.truncated) {
    const { rows, value } = constantTail(single.data, info.width, info.height);
    const detail =
      `truncated ${format.toUpperCase()} decoded (truncated: 'accept'): the image data after the break is decoder fill, not read from the file` +
      (rows > 0 ? ` (the last ${rows} of ${info.height} rows are constant ${value})` : '');
    notes.push(detail);
    warnings.push({ kind: 'truncated-read', file, detail });
  }
  return createRadiograph(info.width, info.height, single.data, {
    source: file,
    modality: 'OT',
    photometricInterpretation: whiteIsZero ? 'MONOCHROME1' : 'MONOCHROME2',
    bitDepth: sixteen ? 16 : 8,
    pipeline: [`${format.toUpperCase()} ${sixteen ? 16 : 8}-bit ${grey ? 'grey' : 'RGB'} decoded with sharp ${sharp.versions.sharp}`, ...notes, ...single.notes],
    ...(warnings.length > 0 ? { warnings } : {}),
  });
}

interface Decoded {
  data: Buffer;
  info: OutputInfo;
  meta: Metadata;
  notes: string[];
  /** A TIFF stored WhiteIsZero (MONOCHROME1-like). */
  whiteIsZero: boolean;
  /** Decoded leniently despite a missing end marker. */
  truncated?: boolean;
}

/** Read the header, check the pixel format, decode to interleaved samples (8/16-bit values as Float32). */
async function decodeWith(buf: Buffer, failOn: 'warning' | 'none', format: RasterFormat, file: string, maxPixels?: number): Promise<Decoded> {
  const meta = await sharp(buf, { failOn }).metadata();
  checkPixelLimit(meta.width ?? 0, meta.height ?? 0, maxPixels, file);
  if (meta.depth !== 'uchar' && meta.depth !== 'ushort') {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', `${format.toUpperCase()} sample format "${meta.depth}" is not supported; supported: 8-bit and 16-bit unsigned (uchar, ushort)`, { file });
  }
  const grey = SPACES_GREY.has(meta.space);
  if (!grey && !SPACES_RGB.has(meta.space)) {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', `colour space "${meta.space}" is not supported; supported: greyscale, RGB`, { file });
  }
  const sixteen = meta.depth === 'ushort';
  const notes: string[] = [];
  if ((meta.pages ?? 1) > 1) notes.push(`multi-page file: page 1 of ${meta.pages} decoded`);
  if (meta.hasProfile) notes.push('embedded ICC profile not applied (stored values kept)');
  if (meta.orientation !== undefined && meta.orientation > 1) notes.push(`EXIF orientation ${meta.orientation} applied`);
  // libvips inverts WhiteIsZero TIFFs on load, so the values are already bone bright.
  const whiteIsZero = format === 'tiff' && grey && tiffPhotometric(buf) === 0;
  if (whiteIsZero) notes.push('TIFF WhiteIsZero (MINISWHITE): inverted on decoding, bone bright');
  // Decoded in the file's own depth and colour space, then cast (exactly: integers up to 16 bits) to
  // float inside libvips, which is cheaper than converting on the JS thread.
  const { data, info } = await sharp(buf, { failOn, ignoreIcc: true, autoOrient: true })
    .toColourspace(grey ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb')
    .raw({ depth: 'float' })
    .toBuffer({ resolveWithObject: true });
  return { data, info, meta, notes, whiteIsZero };
}

/** How many bottom rows hold one constant value (libjpeg fills the missing part of a cut JPEG with mid-grey). */
function constantTail(data: Float32Array, width: number, height: number): { rows: number; value: number } {
  const value = data[data.length - 1]!;
  let rows = 0;
  for (let y = height - 1; y >= 0; y--, rows++) {
    const row = data.subarray(y * width, y * width + width);
    if (!row.every((v) => v === value)) break;
  }
  return { rows, value };
}

function isTruncated(format: RasterFormat, buf: Uint8Array): boolean {
  return (format === 'png' && pngIsTruncated(buf)) || (format === 'jpeg' && jpegIsTruncated(buf));
}

function asDecodeError(format: RasterFormat, e: unknown, file: string, buf: Uint8Array, accepted = false): AffnetError {
  if (e instanceof AffnetError) return e;
  const reason = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  const name = format.toUpperCase();
  if (/pixel limit/i.test(reason)) {
    return new AffnetError('E_IMAGE_UNSUPPORTED', `${name} image is larger than sharp's limit of 0x3FFF × 0x3FFF pixels (${reason})`, { file, cause: e });
  }
  if (isTruncated(format, buf)) {
    const marker = format === 'png' ? 'IEND chunk' : 'end-of-image marker (FFD9)';
    const detail = `${name} file is truncated (it ends before its ${marker}; decoder: ${reason})`;
    if (accepted) return new AffnetError('E_IMAGE_DECODE', `${detail}; too little is left to decode even when truncated files are accepted`, { file, cause: e });
    return new AffnetError('E_IMAGE_DECODE', detail, {
      file,
      cause: e,
      hint: { api: "pass { truncated: 'accept' } to decode the partial image", cli: 'give --accept-truncated to decode the partial image' },
    });
  }
  return new AffnetError('E_IMAGE_DECODE', `corrupt ${name} data (decoder: ${reason})`, { file, cause: e });
}

async function readBytes(path: string, file: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AffnetError('E_FILE_NOT_FOUND', 'file not found', { file, cause: e });
    throw new AffnetError('E_IO', `cannot read file (${code ?? String(e)})`, { file, cause: e });
  }
}
