/**
 * Writing greyscale DICOM (Explicit VR Little Endian, PS3.10 file) with dcmjs: 8-, 12- and 16-bit stored
 * values, signed or unsigned, MONOCHROME1/2, one or more frames, and the descriptive attributes affnet
 * reads back. Used by the tests (to make files for dcmtk/gdcm to compress) and by the phantom package.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { AffnetError } from '../errors.js';

const require = createRequire(import.meta.url);
interface DcmjsData {
  DicomDict: new (meta: object) => { dict: object; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: object): object };
}
const dcmjs = require('dcmjs') as { data: DcmjsData };

/** The pixels to write: stored values, row-major, frames one after another. */
export interface DicomWriteImage {
  width: number;
  height: number;
  pixels: ArrayLike<number>;
  /** Significant bits, 1..16. */
  bitsStored: number;
  /** @defaultValue 8 when bitsStored ≤ 8, else 16 */
  bitsAllocated?: 8 | 16;
  /** Pixel Representation 1 (two's complement). */
  signed: boolean;
  /** @defaultValue 'MONOCHROME2' */
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  /** @defaultValue 1 */
  frames?: number;
}

/** Attributes written with the image, by their DICOM keywords. UIDs left out are generated (PS3.5 B.2, 2.25 form). */
export interface DicomWriteMetadata {
  PatientID?: string;
  PatientName?: string;
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  SOPInstanceUID?: string;
  /** @defaultValue Digital X-Ray Image Storage – For Presentation (1.2.840.10008.5.1.4.1.1.1.1) */
  SOPClassUID?: string;
  /** @defaultValue 'DX' */
  Modality?: string;
  BodyPartExamined?: string;
  ViewPosition?: string;
  Laterality?: string;
  ImageLaterality?: string;
  /** [row spacing, column spacing] in mm. */
  PixelSpacing?: [number, number];
  ImagerPixelSpacing?: [number, number];
  WindowCenter?: number | number[];
  WindowWidth?: number | number[];
  VOILUTFunction?: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
  RescaleSlope?: number;
  RescaleIntercept?: number;
  RescaleType?: string;
  PresentationLUTShape?: 'IDENTITY' | 'INVERSE';
  /** Any other attributes in dcmjs's naturalized form (keyword → value). */
  extra?: Record<string, unknown>;
}

export const DX_FOR_PRESENTATION = '1.2.840.10008.5.1.4.1.1.1.1';

/** A new UID under the 2.25 root: the decimal form of a random UUID (PS3.5 B.2). */
export function generateUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

function pixelBuffer(image: DicomWriteImage, alloc: 8 | 16): ArrayBuffer {
  const frames = image.frames ?? 1;
  const n = image.width * image.height * frames;
  if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width < 1 || image.height < 1 || image.width > 65535 || image.height > 65535) {
    throw new AffnetError('E_OPTION_INVALID', `writeDicom: image size ${image.width}x${image.height}; valid: 1..65535 each`);
  }
  if (image.pixels.length !== n) {
    throw new AffnetError('E_OPTION_INVALID', `writeDicom: ${image.pixels.length} pixels for ${frames} frame(s) of ${image.width}x${image.height} (= ${n})`);
  }
  if (!Number.isInteger(image.bitsStored) || image.bitsStored < 1 || image.bitsStored > alloc) {
    throw new AffnetError('E_OPTION_INVALID', `writeDicom: bitsStored ${image.bitsStored}; valid: 1..${alloc} (bitsAllocated)`);
  }
  const lo = image.signed ? -(2 ** (image.bitsStored - 1)) : 0;
  const hi = image.signed ? 2 ** (image.bitsStored - 1) - 1 : 2 ** image.bitsStored - 1;
  const out = alloc === 8 ? (image.signed ? new Int8Array(n) : new Uint8Array(n)) : image.signed ? new Int16Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const v = image.pixels[i]!;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new AffnetError('E_OPTION_INVALID', `writeDicom: pixel ${i} is ${v}; ${image.bitsStored}-bit ${image.signed ? 'signed' : 'unsigned'} values are ${lo}..${hi}`);
    }
    out[i] = v;
  }
  // An odd byte count is padded to even length (PS3.5 §7.1.1).
  const bytes = new Uint8Array(out.buffer, 0, out.byteLength);
  const padded = new Uint8Array(bytes.length + (bytes.length % 2));
  padded.set(bytes);
  return padded.buffer;
}

/** Encodes a greyscale image and its attributes as a DICOM Part 10 file (Explicit VR Little Endian). */
export function writeDicom(image: DicomWriteImage, metadata: DicomWriteMetadata = {}): Uint8Array {
  const alloc = image.bitsAllocated ?? (image.bitsStored <= 8 ? 8 : 16);
  const { extra, ...attrs } = metadata;
  const sopClass = attrs.SOPClassUID ?? DX_FOR_PRESENTATION;
  const sopInstance = attrs.SOPInstanceUID ?? generateUid();
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 100',
    ...attrs,
    SOPClassUID: sopClass,
    SOPInstanceUID: sopInstance,
    StudyInstanceUID: attrs.StudyInstanceUID ?? generateUid(),
    SeriesInstanceUID: attrs.SeriesInstanceUID ?? generateUid(),
    Modality: attrs.Modality ?? 'DX',
    ...extra,
    SamplesPerPixel: 1,
    PhotometricInterpretation: image.photometric ?? 'MONOCHROME2',
    Rows: image.height,
    Columns: image.width,
    BitsAllocated: alloc,
    BitsStored: image.bitsStored,
    HighBit: image.bitsStored - 1,
    PixelRepresentation: image.signed ? 1 : 0,
    ...((image.frames ?? 1) > 1 ? { NumberOfFrames: image.frames } : {}),
    PixelData: [pixelBuffer(image, alloc)],
    _vrMap: { PixelData: alloc === 8 ? 'OB' : 'OW' },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '2.25.283404071405395596512433298434540592214',
    ImplementationVersionName: 'AFFNET_0_1',
  };
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** `writeDicom` to a file. */
export async function writeDicomFile(path: string, image: DicomWriteImage, metadata: DicomWriteMetadata = {}): Promise<void> {
  try {
    await writeFile(path, writeDicom(image, metadata));
  } catch (e) {
    if (e instanceof AffnetError) throw e;
    throw new AffnetError('E_IO', `cannot write DICOM (${(e as Error).message})`, { file: path, cause: e });
  }
}
