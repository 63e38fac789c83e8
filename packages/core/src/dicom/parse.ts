/**
 * Parsing the data set with dicom-parser, for every layout `sniffDicom` recognises, with the transfer
 * syntax resolved once. Parser failures become `E_DICOM_PARSE` naming the file.
 */
import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import type { DataSet } from 'dicom-parser';
import { AffnetError } from '../errors.js';
import { sniffDicom, type DicomLayout } from './sniff.js';
import { EXPLICIT_VR_BIG_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, transferSyntax, type TransferSyntax } from './transfer-syntax.js';

const require = createRequire(import.meta.url);
// dicom-parser is a UMD bundle; its named exports are not visible to Node's ESM loader.
const dicomParser = require('dicom-parser') as typeof import('dicom-parser');

/** Largest inflated data set accepted from a deflated file (a guard against decompression bombs). */
const MAX_INFLATED_BYTES = 1 << 30;

export interface ParsedDicom {
  dataSet: DataSet;
  syntax: TransferSyntax;
  layout: DicomLayout;
  /** The bytes the data set offsets refer to (inflated for deflated files). */
  bytes: Uint8Array;
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  // dicom-parser throws { exception, dataSet } for damaged data sets.
  if (typeof e === 'object' && e !== null && 'exception' in e) return String((e as { exception: unknown }).exception);
  return String(e);
}

const DEFLATED_UID = '1.2.840.10008.1.2.1.99';

/**
 * Deflated Explicit VR Little Endian (PS3.5 A.5): the meta header is plain, the data set after it is
 * raw-deflated. Inflated here, before dicom-parser sees the file, because dicom-parser reads the first
 * element after the meta header to find its end — on deflated bytes that element is garbage and, when
 * it happens to look like a sequence or an overlong value, the parse fails (seen on ~15 % of files
 * dcmtk writes). Returns the plain bytes (meta header + inflated data set) and where the data set starts,
 * or undefined when the file is not deflated or has no File Meta Information Group Length.
 */
function preInflate(bytes: Uint8Array, file: string): { full: Uint8Array; position: number } | undefined {
  if (bytes.length < 144 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // (0002,0000) UL, explicit VR: tag(4) VR(2) length(2) value(4) at 132.
  if (view.getUint16(132, true) !== 0x0002 || view.getUint16(134, true) !== 0x0000) return undefined;
  const position = 144 + view.getUint32(140, true);
  if (position > bytes.length) return undefined;
  const meta = Buffer.from(bytes.buffer, bytes.byteOffset + 132, position - 132).toString('latin1');
  if (!meta.includes(DEFLATED_UID)) return undefined;
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (e) {
    throw new AffnetError('E_DICOM_PARSE', `deflated data set cannot be inflated (${message(e)})`, { file, cause: e });
  }
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  return { full, position };
}

/**
 * The inflater callback dicom-parser calls for deflated files. dicom-parser parses the array it returns
 * from byte 0, not from `position`, so the preamble and meta header would be read as data-set elements.
 * They are covered with one Data Set Trailing Padding element (FFFC,FFFC) OB whose 12-byte header sits
 * in the preamble; the meta elements keep their offsets. The element is removed after parsing.
 */
function paddedDataSet(file: string) {
  return (arr: Uint8Array, position: number): Uint8Array => {
    if (position < 12) throw new AffnetError('E_DICOM_PARSE', 'deflated data set starts inside the preamble', { file });
    const full = new Uint8Array(arr);
    const view = new DataView(full.buffer, full.byteOffset, full.byteLength);
    view.setUint16(0, 0xfffc, true);
    view.setUint16(2, 0xfffc, true);
    full[4] = 0x4f; // 'O'
    full[5] = 0x42; // 'B'
    view.setUint16(6, 0, true);
    view.setUint32(8, position - 12, true);
    return full;
  };
}

/** Inflates everything after `position` (files whose meta header has no group length). */
function inflateTail(arr: Uint8Array, position: number, file: string): Uint8Array {
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (e) {
    throw new AffnetError('E_DICOM_PARSE', `deflated data set cannot be inflated (${message(e)})`, { file, cause: e });
  }
  const full = new Uint8Array(position + inflated.length);
  full.set(arr.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

function rawSyntaxUid(layout: Extract<DicomLayout, { kind: 'raw' }>): string {
  if (!layout.littleEndian) return EXPLICIT_VR_BIG_ENDIAN;
  return layout.explicitVr ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
}

/**
 * Parses DICOM bytes. Throws `E_DICOM_PARSE` when the bytes are not DICOM or the data set is broken,
 * and `E_DICOM_UNSUPPORTED_SYNTAX` for a transfer syntax affnet cannot decode.
 */
export function parseDicomBytes(input: Uint8Array, file: string): ParsedDicom {
  const layout = sniffDicom(input);
  if (!layout) {
    throw new AffnetError('E_DICOM_PARSE', 'not a DICOM file: no "DICM" magic at byte 128 and no group 0002/0008 element at byte 0', { file });
  }
  let bytes = input;
  if (layout.kind === 'meta-no-preamble') {
    bytes = new Uint8Array(132 + input.length);
    bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
    bytes.set(input, 132);
  }
  let dataSet: DataSet;
  let inflated: Uint8Array | undefined;
  const pre = layout.kind === 'raw' ? undefined : preInflate(bytes, file);
  if (pre) bytes = pre.full;
  try {
    const inflater = pre ? paddedDataSet(file) : (arr: Uint8Array, position: number) => paddedDataSet(file)(inflateTail(arr, position, file), position);
    dataSet = dicomParser.parseDicom(bytes, {
      ...(layout.kind === 'raw' ? { TransferSyntaxUID: rawSyntaxUid(layout) } : {}),
      inflater: ((arr: Uint8Array, position: number) => (inflated = inflater(arr, position))) as never,
    });
  } catch (e) {
    if (e instanceof AffnetError) throw e;
    const why = message(e);
    const hint = /overrun|overread|beyond|past the end/i.test(why) ? ': the file is truncated or an element length is wrong' : '';
    throw new AffnetError('E_DICOM_PARSE', `cannot parse the data set (${why})${hint}`, { file, cause: e });
  }
  if (inflated) delete dataSet.elements.xfffcfffc;
  const uid = layout.kind === 'raw' ? rawSyntaxUid(layout) : (dataSet.string('x00020010')?.replace(/\0/g, '').trim() ?? '');
  if (!uid) throw new AffnetError('E_DICOM_PARSE', 'meta header has no Transfer Syntax UID (0002,0010)', { file });
  const syntax = transferSyntax(uid, file);
  return { dataSet, syntax, layout, bytes: inflated ?? dataSet.byteArray };
}

export { dicomParser };
