/**
 * Parsing the data set with dicom-parser, for every layout `sniffDicom` recognises, with the transfer
 * syntax resolved once. Parser failures become `E_DICOM_PARSE` naming the file.
 */
import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import type { DataSet } from 'dicom-parser';
import { AffnetError } from '../errors.js';
import { sniffDicom, type DicomLayout } from './sniff.js';
import {
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntax,
  type TransferSyntax,
} from './transfer-syntax.js';

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

function inflate(file: string) {
  return (arr: Uint8Array, position: number): Uint8Array => {
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
  };
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
    throw new AffnetError(
      'E_DICOM_PARSE',
      'not a DICOM file: no "DICM" magic at byte 128 and no group 0002/0008 element at byte 0',
      { file },
    );
  }
  let bytes = input;
  if (layout.kind === 'meta-no-preamble') {
    bytes = new Uint8Array(132 + input.length);
    bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
    bytes.set(input, 132);
  }
  let dataSet: DataSet;
  let inflated: Uint8Array | undefined;
  try {
    const inflater = inflate(file);
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
  const uid = layout.kind === 'raw' ? rawSyntaxUid(layout) : (dataSet.string('x00020010')?.replace(/\0/g, '').trim() ?? '');
  if (!uid) throw new AffnetError('E_DICOM_PARSE', 'meta header has no Transfer Syntax UID (0002,0010)', { file });
  const syntax = transferSyntax(uid, file);
  return { dataSet, syntax, layout, bytes: inflated ?? dataSet.byteArray };
}

export { dicomParser };
