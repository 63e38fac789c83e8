/**
 * From bytes or codec samples to stored values (DICOM PS3.5 §8.1.1, PS3.3 C.7.6.3.1): bits outside
 * Bits Stored / High Bit dropped, two's complement sign extension for Pixel Representation 1, colour
 * turned into one grey channel. The result is what every later LUT step starts from.
 */
import { AffnetError } from '../errors.js';
import type { DecodedFrame } from './codecs/decoded.js';
import { storedRange, type PixelModule } from './pixel-module.js';

/** ITU-R BT.601 luma weights, the Y of DICOM's YBR_FULL (PS3.3 C.7.6.3.1.2). */
const LUMA = [0.299, 0.587, 0.114] as const;

export interface StoredFrame {
  values: Int32Array;
  /** How colour became grey, when it did. */
  colour?: string;
  /** Lossy samples outside the Bits Stored range that were clamped into it. */
  clamped: number;
}

/** Writes `words` (unsigned) into `out` as stored values: shifted, masked to `bits`, sign-extended. */
function wordsToValues(words: ArrayLike<number>, out: Int32Array, shift: number, bits: number, signed: boolean): void {
  const n = words.length;
  if (bits >= 32) {
    for (let i = 0; i < n; i++) out[i] = words[i]! | 0;
    return;
  }
  const mask = 2 ** bits - 1;
  const half = 2 ** (bits - 1);
  const full = 2 ** bits;
  if (!signed) {
    for (let i = 0; i < n; i++) out[i] = (words[i]! >>> shift) & mask;
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = (words[i]! >>> shift) & mask;
    out[i] = v >= half ? v - full : v;
  }
}

/** Words of a native frame (byte order of the transfer syntax) as unsigned integers. */
function nativeWords(bytes: Uint8Array, bitsAllocated: number, littleEndian: boolean): ArrayLike<number> {
  if (bitsAllocated === 8) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / (bitsAllocated / 8);
  const out = bitsAllocated === 16 ? new Uint16Array(n) : new Uint32Array(n);
  if (bitsAllocated === 16) for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, littleEndian);
  else for (let i = 0; i < n; i++) out[i] = view.getUint32(4 * i, littleEndian);
  return out;
}

function toGrey(samples: Int32Array, pm: PixelModule, planar: boolean, colourTransformed: boolean): { grey: Int32Array; how: string } {
  const n = pm.rows * pm.columns;
  const grey = new Int32Array(n);
  const at = (p: number, c: number) => samples[planar ? c * n + p : 3 * p + c]!;
  const ybr = !colourTransformed && pm.photometric.startsWith('YBR_') && pm.photometric !== 'YBR_ICT' && pm.photometric !== 'YBR_RCT';
  if (ybr) {
    for (let p = 0; p < n; p++) grey[p] = at(p, 0);
    return { grey, how: `${pm.photometric}: luma (Y) channel kept` };
  }
  for (let p = 0; p < n; p++) grey[p] = Math.round(LUMA[0] * at(p, 0) + LUMA[1] * at(p, 1) + LUMA[2] * at(p, 2));
  return { grey, how: `${pm.photometric}${colourTransformed ? ' (decoded to RGB)' : ''}: grey = 0.299 R + 0.587 G + 0.114 B (BT.601)` };
}

/** Stored values of a native (uncompressed) frame. */
export function storedFromNative(bytes: Uint8Array, pm: PixelModule, littleEndian: boolean): StoredFrame {
  const words = nativeWords(bytes, pm.bitsAllocated, littleEndian);
  const shift = pm.highBit + 1 - pm.bitsStored;
  const values = new Int32Array(words.length);
  wordsToValues(words, values, shift, pm.bitsStored, pm.signed);
  if (pm.samplesPerPixel === 1) return { values, clamped: 0 };
  const { grey, how } = toGrey(values, pm, pm.planarConfiguration === 1, false);
  return { values: grey, colour: how, clamped: 0 };
}

/** Stored values of a decoded (compressed) frame, checked against the pixel module. */
export function storedFromDecoded(frame: DecodedFrame, pm: PixelModule, lossy: boolean, file: string): StoredFrame {
  if (frame.width !== pm.columns || frame.height !== pm.rows || frame.components !== pm.samplesPerPixel) {
    throw new AffnetError(
      'E_DICOM_PIXEL_DATA',
      `codestream is ${frame.width}x${frame.height}x${frame.components} but the header says ${pm.columns}x${pm.rows}x${pm.samplesPerPixel} (Columns x Rows x Samples per Pixel)`,
      { file },
    );
  }
  const [lo, hi] = storedRange(pm);
  const src = frame.samples;
  const values = new Int32Array(src.length);
  let clamped = 0;
  // A lossy codestream of higher precision than Bits Stored (12-bit JPEG for 10-bit data) can overshoot
  // the stored range; masking would wrap a bright pixel to black, so such samples are clamped.
  const clampLossy = lossy && !pm.signed && frame.bitsPerSample > pm.bitsStored;
  if (clampLossy) {
    for (let i = 0; i < src.length; i++) {
      const s = src[i]!;
      if (s > hi || s < lo) clamped++;
      values[i] = s > hi ? hi : s < lo ? lo : s;
    }
  } else {
    // Signed codec output (Int16Array) is reduced to its bit pattern first; masking restores the sign.
    wordsToValues(src instanceof Int16Array ? new Uint16Array(src.buffer, src.byteOffset, src.length) : src, values, 0, pm.bitsStored, pm.signed);
  }
  if (pm.samplesPerPixel === 1) return { values, clamped };
  const { grey, how } = toGrey(values, pm, false, frame.colourTransformed === true);
  return { values: grey, colour: how, clamped };
}
