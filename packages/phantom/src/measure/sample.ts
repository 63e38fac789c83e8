/** Bilinear sampling of a grey image, for the measurements. @internal */
export interface GreyImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Bilinear value at (x, y), NaN outside the image. */
export function sampleAt(img: GreyImage, x: number, y: number): number {
  if (!(x >= 0 && y >= 0 && x <= img.width - 1 && y <= img.height - 1)) return Number.NaN;
  const x0 = Math.min(img.width - 2, Math.floor(x));
  const y0 = Math.min(img.height - 2, Math.floor(y));
  const tx = x - x0;
  const ty = y - y0;
  const d = img.data;
  const i = y0 * img.width + x0;
  const top = d[i]! + (d[i + 1]! - d[i]!) * tx;
  const bottom = d[i + img.width]! + (d[i + img.width + 1]! - d[i + img.width]!) * tx;
  return top + (bottom - top) * ty;
}
