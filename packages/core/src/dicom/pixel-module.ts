/**
 * The Image Pixel module (DICOM PS3.3 C.7.6.3): geometry, sample layout and bit layout of the stored
 * values, read once and checked, so that later steps can trust it.
 */
import type { DataSet } from 'dicom-parser';
import { AffnetError } from '../errors.js';

export type Photometric = 'MONOCHROME1' | 'MONOCHROME2' | 'RGB' | 'YBR_FULL' | 'YBR_FULL_422' | 'YBR_PARTIAL_420' | 'YBR_ICT' | 'YBR_RCT';

const PHOTOMETRICS: readonly Photometric[] = ['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_PARTIAL_420', 'YBR_ICT', 'YBR_RCT'];

/**
 * Largest frame accepted (8192 x 8192 pixels): far above any radiograph detector, and a guard against a
 * damaged Rows/Columns making the decoder allocate gigabytes.
 */
export const MAX_FRAME_PIXELS = 8192 * 8192;

export interface PixelModule {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  photometric: Photometric;
  /** 0: colour-by-pixel (RGBRGB…), 1: colour-by-plane (RRR…GGG…BBB…). */
  planarConfiguration: 0 | 1;
  bitsAllocated: 8 | 16 | 32;
  bitsStored: number;
  highBit: number;
  /** Pixel Representation 1: two's complement signed stored values. */
  signed: boolean;
  numberOfFrames: number;
}

function req(ds: DataSet, tag: string, name: string, file: string): number {
  const v = ds.uint16(tag);
  if (v === undefined) throw new AffnetError('E_DICOM_PIXEL_DATA', `missing ${name} (${tagLabel(tag)})`, { file });
  return v;
}

function tagLabel(tag: string): string {
  return `${tag.slice(1, 5)},${tag.slice(5)}`.toUpperCase();
}

/** Reads and validates the pixel module; every inconsistency is `E_DICOM_PIXEL_DATA` or `E_IMAGE_UNSUPPORTED`. */
export function readPixelModule(ds: DataSet, file: string): PixelModule {
  const rows = req(ds, 'x00280010', 'Rows', file);
  const columns = req(ds, 'x00280011', 'Columns', file);
  const spp = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = req(ds, 'x00280100', 'Bits Allocated', file);
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const highBit = ds.uint16('x00280102') ?? bitsStored - 1;
  const pixelRepresentation = ds.uint16('x00280103') ?? 0;
  const photometricRaw = (ds.string('x00280004') ?? (spp === 1 ? 'MONOCHROME2' : 'RGB')).trim().toUpperCase();
  const framesRaw = ds.intString('x00280008');
  const numberOfFrames = framesRaw === undefined || Number.isNaN(framesRaw) ? 1 : framesRaw;

  const bad = (m: string) => new AffnetError('E_DICOM_PIXEL_DATA', m, { file });
  if (rows === 0 || columns === 0) throw bad(`image size ${columns}x${rows} is empty (Rows/Columns)`);
  if (rows * columns > MAX_FRAME_PIXELS) {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', `image size ${columns}x${rows} exceeds the ${MAX_FRAME_PIXELS}-pixel limit per frame`, { file });
  }
  if (!Number.isInteger(numberOfFrames) || numberOfFrames < 1) throw bad(`Number of Frames (0028,0008) is ${framesRaw}`);
  if (bitsAllocated === 1) {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', 'Bits Allocated 1 (bitmap overlays/segmentations) is not a radiograph', { file });
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw bad(`Bits Allocated (0028,0100) is ${bitsAllocated}; valid: 8, 16, 32`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw bad(`Bits Stored (0028,0101) is ${bitsStored}; must be 1..${bitsAllocated} (Bits Allocated)`);
  }
  if (highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw bad(`High Bit (0028,0102) is ${highBit}; must be ${bitsStored - 1}..${bitsAllocated - 1}`);
  }
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) {
    throw bad(`Pixel Representation (0028,0103) is ${pixelRepresentation}; valid: 0 (unsigned), 1 (signed)`);
  }
  if (bitsStored === 32 && pixelRepresentation === 0) {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', 'unsigned 32-bit stored values are not supported (Bits Stored 32)', { file });
  }
  if (spp !== 1 && spp !== 3) throw bad(`Samples per Pixel (0028,0002) is ${spp}; valid: 1, 3`);
  if (photometricRaw === 'PALETTE COLOR') {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', 'PALETTE COLOR images are not radiographs; valid: MONOCHROME1/2, RGB, YBR_*', {
      file,
    });
  }
  const photometric = PHOTOMETRICS.find((p) => p === photometricRaw);
  if (!photometric) {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', `Photometric Interpretation "${photometricRaw}" is not supported; valid: ${PHOTOMETRICS.join(', ')}`, {
      file,
    });
  }
  const mono = photometric.startsWith('MONOCHROME');
  if (mono !== (spp === 1)) throw bad(`Photometric Interpretation ${photometric} with Samples per Pixel ${spp}`);
  const planar = spp === 3 ? (ds.uint16('x00280006') ?? 0) : 0;
  if (planar !== 0 && planar !== 1) throw bad(`Planar Configuration (0028,0006) is ${planar}; valid: 0, 1`);
  return {
    rows,
    columns,
    samplesPerPixel: spp,
    photometric,
    planarConfiguration: planar,
    bitsAllocated,
    bitsStored,
    highBit,
    signed: pixelRepresentation === 1,
    numberOfFrames,
  };
}

/** Smallest and largest stored value the bit layout can hold. */
export function storedRange(pm: Pick<PixelModule, 'bitsStored' | 'signed'>): [number, number] {
  return pm.signed ? [-(2 ** (pm.bitsStored - 1)), 2 ** (pm.bitsStored - 1) - 1] : [0, 2 ** pm.bitsStored - 1];
}
