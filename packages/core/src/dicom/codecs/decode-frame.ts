/** Chooses the codec for a transfer syntax and decodes one frame's bytes. */
import { AffnetError } from '../../errors.js';
import type { PixelModule } from '../pixel-module.js';
import type { TransferSyntax } from '../transfer-syntax.js';
import type { DecodedFrame } from './decoded.js';
import { repairJ2kTail } from './j2k-repair.js';
import { decodeJpegDct } from './jpeg-dct.js';
import { decodeJpegLossless } from './jpeg-lossless.js';
import { decodeRle } from './rle.js';
import { decodeWithWasm } from './wasm.js';

/** The codestream's sample precision from a JPEG SOF marker, or undefined. */
export function jpegPrecision(data: Uint8Array): number | undefined {
  for (let p = 2; p + 4 < data.length; ) {
    if (data[p] !== 0xff) return undefined;
    const m = data[p + 1]!;
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return data[p + 4];
    p += 2 + ((data[p + 2]! << 8) | data[p + 3]!);
  }
  return undefined;
}

/** Which decoder actually ran, for the pipeline record. */
export function codecLabel(syntax: TransferSyntax, data: Uint8Array): string {
  switch (syntax.codec) {
    case 'rle':
      return 'affnet RLE (PS3.5 Annex G)';
    case 'jpeg-baseline':
    case 'jpeg-extended':
      return jpegPrecision(data) === 8 ? 'libjpeg-turbo (WebAssembly)' : 'affnet 12-bit JPEG (libjpeg islow IDCT)';
    case 'jpeg-lossless':
      return 'jpeg-lossless-decoder-js';
    case 'jpeg-ls':
      return 'CharLS (WebAssembly)';
    case 'jpeg-2000':
      return 'OpenJPEG (WebAssembly)';
    default:
      return 'native';
  }
}

/** Decodes one frame; `notes` receives anything done to the codestream on the way (e.g. a repair). */
export async function decodeFrame(syntax: TransferSyntax, data: Uint8Array, pm: PixelModule, file: string, notes: string[] = []): Promise<DecodedFrame> {
  switch (syntax.codec) {
    case 'rle':
      return decodeRle(data, { width: pm.columns, height: pm.rows, samplesPerPixel: pm.samplesPerPixel, bitsAllocated: pm.bitsAllocated }, file);
    case 'jpeg-baseline':
    case 'jpeg-extended': {
      const precision = jpegPrecision(data);
      if (precision === 8) return decodeWithWasm('libjpeg-turbo', data, file);
      if (precision === 12) return decodeJpegDct(data, file, { width: pm.columns, height: pm.rows });
      throw new AffnetError('E_DICOM_PIXEL_DATA', `JPEG codestream has sample precision ${precision ?? 'unknown'}; valid for ${syntax.name}: 8, 12`, {
        file,
      });
    }
    case 'jpeg-lossless':
      return decodeJpegLossless(data, file);
    case 'jpeg-ls':
      return decodeWithWasm('charls', data, file);
    case 'jpeg-2000': {
      const repaired = repairJ2kTail(data);
      if (repaired.dropped > 0) notes.push(`JPEG 2000: ${repaired.dropped} stray byte(s) between the last tile-part and EOC dropped`);
      return decodeWithWasm('openjpeg', repaired.data, file);
    }
    default:
      throw new AffnetError('E_DICOM_UNSUPPORTED_SYNTAX', `no codec for ${syntax.name}`, { file });
  }
}
