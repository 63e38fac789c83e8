/**
 * The transfer syntaxes affnet reads (DICOM PS3.5 §10 and Annex A), one row each: how the data set is
 * encoded and which codec decodes the pixel data. A syntax not in this table is refused with
 * `E_DICOM_UNSUPPORTED_SYNTAX`, listing these.
 */
import { AffnetError } from '../errors.js';

/** Which decoder handles a syntax's pixel data. */
export type PixelCodec = 'native' | 'rle' | 'jpeg-baseline' | 'jpeg-extended' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Data set encoding: implicit VR (PS3.5 §7.1.3) or explicit VR. */
  explicitVr: boolean;
  littleEndian: boolean;
  /** Deflated data set (PS3.5 A.5): raw deflate after the meta header. */
  deflated: boolean;
  /** Pixel data in fragments (PS3.5 A.4). */
  encapsulated: boolean;
  codec: PixelCodec;
  /** The codec may lose information (the stored values are then an approximation of the original). */
  lossy: boolean;
}

function row(uid: string, name: string, codec: PixelCodec, lossy: boolean, enc: { explicitVr?: boolean; littleEndian?: boolean; deflated?: boolean } = {}): TransferSyntax {
  return {
    uid,
    name,
    explicitVr: enc.explicitVr ?? true,
    littleEndian: enc.littleEndian ?? true,
    deflated: enc.deflated ?? false,
    encapsulated: codec !== 'native',
    codec,
    lossy,
  };
}

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

/** Every transfer syntax affnet decodes, keyed by UID. */
export const TRANSFER_SYNTAXES: ReadonlyMap<string, TransferSyntax> = new Map(
  [
    row(IMPLICIT_VR_LITTLE_ENDIAN, 'Implicit VR Little Endian', 'native', false, { explicitVr: false }),
    row(EXPLICIT_VR_LITTLE_ENDIAN, 'Explicit VR Little Endian', 'native', false),
    row(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 'Deflated Explicit VR Little Endian', 'native', false, { deflated: true }),
    row(EXPLICIT_VR_BIG_ENDIAN, 'Explicit VR Big Endian', 'native', false, { littleEndian: false }),
    row('1.2.840.10008.1.2.5', 'RLE Lossless', 'rle', false),
    row('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'jpeg-baseline', true),
    row('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'jpeg-extended', true),
    row('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'jpeg-lossless', false),
    row('1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)', 'jpeg-lossless', false),
    row('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', 'jpeg-ls', false),
    row('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless', 'jpeg-ls', true),
    row('1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)', 'jpeg-2000', false),
    row('1.2.840.10008.1.2.4.91', 'JPEG 2000', 'jpeg-2000', true),
  ].map((s) => [s.uid, s]),
);

/** Looks up a syntax; an unknown UID is a typed error that lists the supported ones. */
export function transferSyntax(uid: string, file: string): TransferSyntax {
  const ts = TRANSFER_SYNTAXES.get(uid);
  if (ts) return ts;
  const valid = [...TRANSFER_SYNTAXES.values()].map((s) => `${s.uid} (${s.name})`).join(', ');
  throw new AffnetError('E_DICOM_UNSUPPORTED_SYNTAX', `transfer syntax "${uid}" is not supported. Supported: ${valid}`, {
    file,
  });
}
