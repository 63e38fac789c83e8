/** JPEG Lossless (T.81 process 14, any predictor) through jpeg-lossless-decoder-js. */
import { Decoder } from 'jpeg-lossless-decoder-js';
import { AffnetError } from '../../errors.js';
import type { DecodedFrame } from './decoded.js';

export function decodeJpegLossless(data: Uint8Array, file: string): DecodedFrame {
  try {
    const decoder = new Decoder();
    const copy = data.slice(); // the decoder wants an ArrayBuffer of its own
    const samples = decoder.decode(copy.buffer, 0, copy.length) as Uint8Array | Uint16Array;
    const width = decoder.xDim;
    const height = decoder.yDim;
    const components = decoder.numComp;
    if (!width || !height || samples.length < width * height * components) throw new Error('decoder returned no image');
    return { width, height, components, bitsPerSample: decoder.precision ?? samples.BYTES_PER_ELEMENT * 8, samples };
  } catch (e) {
    throw new AffnetError('E_DICOM_PIXEL_DATA', `JPEG Lossless: cannot decode the pixel data (${e instanceof Error ? e.message : String(e)})`, {
      file,
      cause: e,
    });
  }
}
