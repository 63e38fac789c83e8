/**
 * @internal What a file is, from its first bytes, and whether a PNG or JPEG stops before its end
 * marker. Deciding the format ourselves (instead of letting the decoder guess) means only the three
 * supported raster formats ever reach the decoder, and a damaged PNG/JPEG/TIFF is reported as damaged
 * rather than as "unknown format".
 */

export type RasterFormat = 'png' | 'jpeg' | 'tiff';

export const SUPPORTED_RASTER_FORMATS: readonly string[] = ['PNG', 'JPEG', 'TIFF'];

/** The supported raster format of `buf`, or undefined. */
export function sniffRaster(buf: Uint8Array): RasterFormat | undefined {
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  // Classic TIFF (42) and BigTIFF (43), little and big endian (TIFF 6.0 §2, BigTIFF spec).
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(buf, [0x49, 0x49, 0x2b, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  return undefined;
}

/** A name for formats we recognise but do not decode, for the error message. */
export function sniffOther(buf: Uint8Array): string | undefined {
  const ascii = (from: number, to: number): string => String.fromCharCode(...buf.subarray(from, to));
  if (buf.length >= 132 && ascii(128, 132) === 'DICM') return 'DICOM (read it with readImage, which handles DICOM)';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'GIF';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'WebP';
  if (ascii(0, 2) === 'BM') return 'BMP';
  if (ascii(4, 8) === 'ftyp') return `ISO media (${ascii(8, 12).trim()}: HEIF/AVIF)`;
  if (startsWith(buf, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50])) return 'JPEG 2000';
  if (startsWith(buf, [0xff, 0x4f, 0xff, 0x51])) return 'JPEG 2000 codestream';
  if (ascii(0, 5) === '%PDF-') return 'PDF';
  const head = ascii(0, Math.min(buf.length, 256)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  return undefined;
}

/**
 * True when a PNG's chunk list is intact but runs off the end of the buffer before the IEND chunk
 * (PNG spec, 3rd ed., §5.3: length, type, data, CRC). A chunk with an invalid type (not four ASCII
 * letters) means corruption, not truncation.
 */
export function pngIsTruncated(buf: Uint8Array): boolean {
  let p = 8;
  while (p + 8 <= buf.length) {
    const length = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
    const type = String.fromCharCode(buf[p + 4]!, buf[p + 5]!, buf[p + 6]!, buf[p + 7]!);
    if (!/^[A-Za-z]{4}$/.test(type)) return false;
    if (type === 'IEND') return false;
    p += 12 + length;
  }
  return true;
}

/**
 * True when a JPEG has no end-of-image marker (FFD9) after its last start-of-scan (FFDA)
 * (ITU-T T.81 §B.1.1.3: inside entropy-coded data an FF byte is always followed by 00 or RSTn,
 * so an FFD9 there can only be EOI; looking after the last SOS skips an EXIF thumbnail's own EOI).
 */
export function jpegIsTruncated(buf: Uint8Array): boolean {
  let lastSos = -1;
  for (let i = buf.length - 2; i >= 2; i--) {
    if (buf[i] === 0xff && buf[i + 1] === 0xda) {
      lastSos = i;
      break;
    }
  }
  if (lastSos < 0) return true;
  for (let i = lastSos + 2; i < buf.length - 1; i++) if (buf[i] === 0xff && buf[i + 1] === 0xd9) return false;
  return true;
}

function startsWith(buf: Uint8Array, magic: number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

/**
 * The PhotometricInterpretation (tag 262) of a TIFF's first image, or undefined when absent or
 * unreadable (TIFF 6.0 §2 header and IFD layout; BigTIFF is not inspected).
 * 0 = WhiteIsZero, 1 = BlackIsZero, 2 = RGB, 3 = palette …
 */
export function tiffPhotometric(buf: Uint8Array): number | undefined {
  if (buf.length < 8) return undefined;
  const le = buf[0] === 0x49;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint16(2, le) !== 42) return undefined;
  const ifd = view.getUint32(4, le);
  if (ifd + 2 > buf.length) return undefined;
  const count = view.getUint16(ifd, le);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + 12 * i;
    if (at + 12 > buf.length) return undefined;
    if (view.getUint16(at, le) === 262) return view.getUint16(at + 8, le);
  }
  return undefined;
}
