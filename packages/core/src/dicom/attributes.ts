/**
 * A DICOM file's attributes (everything before Pixel Data) in dcmjs's naturalized form, keyword →
 * value, for tools that build a derived object (a Secondary Capture, a structured report) and must
 * copy the patient and study modules of the source exactly.
 */
import { createRequire } from 'node:module';
import { AffnetError } from '../errors.js';

const require = createRequire(import.meta.url);
interface DcmjsRead {
  DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): { dict: object; meta: object } };
  DicomMetaDictionary: { naturalizeDataset(ds: object): Record<string, unknown> };
}
const dcmjs = require('dcmjs') as { data: DcmjsRead };

/**
 * @param source - names the file in errors
 * @throws AffnetError E_DICOM_PARSE
 */
export function readDicomAttributes(bytes: Uint8Array, source = '<buffer>'): Record<string, unknown> {
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
  try {
    const file = dcmjs.data.DicomMessage.readFile(buffer, { untilTag: '7FE00010', includeUntilTagValue: false, ignoreErrors: true });
    return dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  } catch (e) {
    throw new AffnetError('E_DICOM_PARSE', `cannot read the attributes (${e instanceof Error ? e.message : String(e)})`, { file: source, cause: e });
  }
}
