/**
 * Writing greyscale DICOM (Explicit VR Little Endian, PS3.10 file) with dcmjs: 8-, 12- and 16-bit stored
 * values, signed or unsigned, MONOCHROME1/2, one or more frames, and the descriptive attributes affnet
 * reads back. Used by the tests (to make files for dcmtk/gdcm to compress) and by the phantom package.
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
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
  /** `RGB`: 8-bit colour, `pixels` interleaved R, G, B per pixel (Planar Configuration 0). @defaultValue 'MONOCHROME2' */
  photometric?: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
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

/** Pixel Data's tag as dcmjs's denaturalized keys spell it. */
const PIXEL_DATA_TAG = '7FE00010';

export const DX_FOR_PRESENTATION = '1.2.840.10008.5.1.4.1.1.1.1';

/** A new UID under the 2.25 root: the decimal form of a random UUID (PS3.5 B.2). */
export function generateUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/**
 * A UID that is the same for the same `parts` (a result derived from an input): the 2.25 form of a
 * name-based UUID (RFC 9562 version 8) from SHA-256 of the parts, so re-deriving gives the same UID.
 */
export function derivedUid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8
  h[8] = (h[8]! & 0x3f) | 0x80; // variant 10
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString('hex')}`).toString()}`;
}

/** The typed array whose elements are exactly the samples to write (no conversion needed). */
function sameType(pixels: ArrayLike<number>, alloc: 8 | 16, signed: boolean): boolean {
  if (alloc === 16) return signed ? pixels instanceof Int16Array : pixels instanceof Uint16Array;
  return signed ? pixels instanceof Int8Array : pixels instanceof Uint8Array;
}

/** The pixel data's bytes, little-endian, padded to even length; a view of `image.pixels` where it can be. */
function pixelBytes(image: DicomWriteImage, alloc: 8 | 16): Uint8Array {
  const frames = image.frames ?? 1;
  const rgb = image.photometric === 'RGB';
  if (rgb && (alloc !== 8 || image.bitsStored !== 8 || image.signed)) throw new AffnetError('E_OPTION_INVALID', 'writeDicom: RGB pixels are 8-bit unsigned (bitsStored 8)');
  const n = image.width * image.height * frames * (rgb ? 3 : 1);
  if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width < 1 || image.height < 1 || image.width > 65535 || image.height > 65535) {
    throw new AffnetError('E_OPTION_INVALID', `writeDicom: image size ${image.width}x${image.height}; valid: 1..65535 each`);
  }
  if (image.pixels.length !== n) {
    throw new AffnetError('E_OPTION_INVALID', `writeDicom: ${image.pixels.length} samples for ${frames} frame(s) of ${image.width}x${image.height}${rgb ? ' RGB' : ''} (= ${n})`);
  }
  if (!Number.isInteger(image.bitsStored) || image.bitsStored < 1 || image.bitsStored > alloc) {
    throw new AffnetError('E_OPTION_INVALID', `writeDicom: bitsStored ${image.bitsStored}; valid: 1..${alloc} (bitsAllocated)`);
  }
  const lo = image.signed ? -(2 ** (image.bitsStored - 1)) : 0;
  const hi = image.signed ? 2 ** (image.bitsStored - 1) - 1 : 2 ** image.bitsStored - 1;
  const bad = (i: number, v: number) => new AffnetError('E_OPTION_INVALID', `writeDicom: pixel ${i} is ${v}; ${image.bitsStored}-bit ${image.signed ? 'signed' : 'unsigned'} values are ${lo}..${hi}`);
  let out: Uint8Array | Int8Array | Uint16Array | Int16Array;
  if (sameType(image.pixels, alloc, image.signed) && (alloc === 8 || LITTLE_ENDIAN)) {
    // already integers of the right width: only the range of the stored bits needs checking, no copy
    out = image.pixels as Uint8Array | Int8Array | Uint16Array | Int16Array;
    if (image.bitsStored < alloc) {
      for (let i = 0; i < n; i++) {
        const v = out[i]!;
        if (v < lo || v > hi) throw bad(i, v);
      }
    }
  } else {
    out = alloc === 8 ? (image.signed ? new Int8Array(n) : new Uint8Array(n)) : image.signed ? new Int16Array(n) : new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const v = image.pixels[i]!;
      if (!Number.isInteger(v) || v < lo || v > hi) throw bad(i, v);
      out[i] = v;
    }
  }
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (bytes.length % 2 === 0) return bytes;
  // An odd byte count is padded to even length (PS3.5 §7.1.1).
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  return padded;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Appends the Pixel Data element (7FE0,0010) to a data set that dcmjs wrote without it, as dcmjs
 * writes it in Explicit VR Little Endian (PS3.5 §7.1.2: tag, VR, 2 reserved bytes, 32-bit length),
 * so the pixels are copied once instead of through dcmjs's growing buffers.
 */
function appendPixelData(head: ArrayBuffer, pixels: Uint8Array, vr: 'OB' | 'OW'): Uint8Array {
  const file = new Uint8Array(head.byteLength + 12 + pixels.length);
  file.set(new Uint8Array(head), 0);
  const view = new DataView(file.buffer, head.byteLength, 12);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  view.setUint8(4, vr.charCodeAt(0));
  view.setUint8(5, vr.charCodeAt(1));
  view.setUint16(6, 0, true);
  view.setUint32(8, pixels.length, true);
  file.set(pixels, head.byteLength + 12);
  return file;
}

function fileMeta(sopClass: string, sopInstance: string): Record<string, unknown> {
  return {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '2.25.283404071405395596512433298434540592214',
    ImplementationVersionName: 'AFFNET_0_1',
  };
}

/**
 * Any data set without pixel data (a structured report, a presentation state) as a DICOM Part 10
 * file (Explicit VR Little Endian), from dcmjs's naturalized form (keywords; sequences as arrays
 * of objects). SOPClassUID and SOPInstanceUID are required.
 */
export function writeDicomDataset(dataset: Record<string, unknown>): Uint8Array {
  const sopClass = dataset.SOPClassUID;
  const sopInstance = dataset.SOPInstanceUID;
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string') throw new AffnetError('E_OPTION_INVALID', 'writeDicomDataset: SOPClassUID and SOPInstanceUID are required');
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(fileMeta(sopClass, sopInstance)));
  dict.dict = DicomMetaDictionary.denaturalizeDataset({ SpecificCharacterSet: 'ISO_IR 192', ...dataset }) as object;
  return new Uint8Array(dict.write());
}

/** Encodes a greyscale (or 8-bit RGB) image and its attributes as a DICOM Part 10 file (Explicit VR Little Endian). */
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
    SamplesPerPixel: image.photometric === 'RGB' ? 3 : 1,
    PhotometricInterpretation: image.photometric ?? 'MONOCHROME2',
    ...(image.photometric === 'RGB' ? { PlanarConfiguration: 0 } : {}),
    Rows: image.height,
    Columns: image.width,
    BitsAllocated: alloc,
    BitsStored: image.bitsStored,
    HighBit: image.bitsStored - 1,
    PixelRepresentation: image.signed ? 1 : 0,
    ...((image.frames ?? 1) > 1 ? { NumberOfFrames: image.frames } : {}),
  };
  const meta = fileMeta(sopClass, sopInstance);
  const pixels = pixelBytes(image, alloc);
  const vr = alloc === 8 ? 'OB' : 'OW';
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  const elements = DicomMetaDictionary.denaturalizeDataset(dataset) as Record<string, unknown>;
  if (Object.keys(elements).every((tag) => tag.toUpperCase() < PIXEL_DATA_TAG)) {
    // Pixel Data is the last element (elements are written in tag order): dcmjs writes the rest
    dict.dict = elements;
    return appendPixelData(dict.write(), pixels, vr);
  }
  // attributes after Pixel Data (from `extra`): let dcmjs place everything
  const whole = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels.buffer : pixels.slice().buffer;
  dict.dict = DicomMetaDictionary.denaturalizeDataset({ ...dataset, PixelData: [whole], _vrMap: { PixelData: vr } });
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
