/**
 * A class activation map drawn on the original radiograph, as PNG: the CAM (feature resolution) is
 * min-max normalised (core `normaliseMap`), mapped onto the original image through the pathway's
 * transform (core `camOnOriginal`, so the intervention pathway's rotation and crop are undone
 * and areas the network never saw stay uncoloured), and blended over the grey image (core
 * `overlayHeatmap`). Output is a thumbnail (area-averaged with core `resampleAffine`) so that
 * reports stay small.
 */
import sharp from 'sharp';
import { affine, camOnOriginal, overlayHeatmap, resampleAffine, type Affine, type MapBatch, type Radiograph } from '@affnet/core';

export interface CamOverlayOptions {
  /** Longest side of the PNG in pixels; the original is never enlarged. @defaultValue 384 */
  maxSide?: number;
  /** Weight of the colour map. @defaultValue 0.45 */
  alpha?: number;
}

/** Display window of a grey image: its 0.5th and 99.5th percentiles → [0, 1] (robust to hot pixels and collimation). */
export function windowToUnit(values: Float32Array): Float32Array {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) sample.push(values[i]!);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(0.005 * (sample.length - 1))]!;
  const hi = sample[Math.ceil(0.995 * (sample.length - 1))]!;
  const span = hi > lo ? hi - lo : 1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, Math.max(0, (values[i]! - lo) / span));
  return out;
}

/**
 * @param radiograph - the original image
 * @param cam - one raw map at feature resolution, shape [1, fh, fw]
 * @param transform - the pathway's original → network input transform (`preprocess(…).transform`)
 * @param inputSize - network input side N
 */
export async function camOverlayPng(radiograph: Radiograph, cam: MapBatch, transform: Affine, inputSize: number, options: CamOverlayOptions = {}): Promise<Buffer> {
  const { width, height, rgb } = camOverlayRgb(radiograph, cam, transform, inputSize, options);
  return rgbToPng(width, height, rgb);
}

/** Interleaved 8-bit RGB pixels as a PNG (sharp, zlib level 9). */
export function rgbToPng(width: number, height: number, rgb: Uint8Array): Promise<Buffer> {
  return sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** The overlay of {@link camOverlayPng} as interleaved 8-bit RGB pixels (for a DICOM Secondary Capture, a custom encoder). */
export function camOverlayRgb(radiograph: Radiograph, cam: MapBatch, transform: Affine, inputSize: number, options: CamOverlayOptions = {}): { width: number; height: number; rgb: Uint8Array } {
  const { maxSide = 384, alpha = 0.45 } = options;
  const s = Math.min(1, maxSide / Math.max(radiograph.width, radiograph.height));
  const W = Math.max(1, Math.round(radiograph.width * s));
  const H = Math.max(1, Math.round(radiograph.height * s));
  // original → thumbnail, pixel centres at integers: t = (o + ½)·s − ½
  const toThumb: Affine = [W / radiograph.width, 0, W / radiograph.width / 2 - 0.5, 0, H / radiograph.height, H / radiograph.height / 2 - 0.5];
  const grey = windowToUnit(resampleAffine(radiograph, toThumb, W, H, { fill: 0 }));
  const heat = camOnOriginal(cam, affine.compose(transform, affine.invert(toThumb)), W, H, inputSize);
  // Outside the network's view (NaN) the image stays grey: no colour, full image weight.
  const rgb = overlayHeatmap(
    grey,
    heat.map((v) => (Number.isNaN(v) ? 0 : v)),
    { alpha },
  );
  for (let i = 0; i < heat.length; i++) {
    if (Number.isNaN(heat[i]!)) {
      const g = Math.round(grey[i]! * 255);
      rgb[3 * i] = g;
      rgb[3 * i + 1] = g;
      rgb[3 * i + 2] = g;
    }
  }
  return { width: W, height: H, rgb };
}
