/**
 * Pointing game (Zhang et al., "Top-down Neural Attention by Excitation Backprop", ECCV 2016 /
 * IJCV 2018): a saliency map "hits" when its maximum lies inside the ground-truth region, allowing
 * a tolerance of 15 pixels at a 224-pixel network input (their setting); at other input sizes the
 * tolerance is scaled with the input, so it covers the same share of the image (4.3 px at 64 px).
 * Here it runs in network-input coordinates: the ground-truth polygon is mapped there with the
 * pathway's forward transform (an affine map takes a polygon to a polygon exactly), and the peak
 * is the centre of the CAM's largest cell at feature resolution ({@link pointingGame}).
 */
import { AffnetError, affine, type Affine, type Point } from '@affnet/core';

/** Tolerance in network-input pixels at {@link POINTING_REFERENCE_INPUT} (Zhang et al. 2018, §4.1). */
export const POINTING_TOLERANCE_PX = 15;
/** The input side the 15-pixel tolerance was set for (ImageNet-size inputs). */
export const POINTING_REFERENCE_INPUT = 224;

/** The tolerance at input side `inputSize`: 15 px at 224 px, scaled. */
export function pointingTolerance(inputSize: number): number {
  return (POINTING_TOLERANCE_PX * inputSize) / POINTING_REFERENCE_INPUT;
}

/** Position of the largest value of a row-major `width`×`height` map (first one on ties). */
export function argmax2d(map: Float32Array | number[], width: number, height: number): Point {
  if (map.length !== width * height) throw new AffnetError('E_OPTION_INVALID', `pointing game: map has ${map.length} values, expected ${width}x${height}`);
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i]! > map[best]!) best = i;
  return { x: best % width, y: Math.floor(best / width) };
}

/** Even-odd rule; points on an edge count as inside through {@link distanceToPolygon}. */
function insidePolygon(p: Point, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Euclidean distance from `p` to a closed polygon; 0 inside or on it. */
export function distanceToPolygon(p: Point, poly: readonly Point[]): number {
  if (poly.length === 0) return Number.POSITIVE_INFINITY;
  if (poly.length >= 3 && insidePolygon(p, poly)) return 0;
  let d = Number.POSITIVE_INFINITY;
  for (let i = 0; i < poly.length; i++) d = Math.min(d, distanceToSegment(p, poly[i]!, poly[(i + 1) % poly.length]!));
  return d;
}

/** A box as a polygon (x0,y0 top-left, x1,y1 bottom-right, pixel-centre coordinates). */
export function boxPolygon(box: { x0: number; y0: number; x1: number; y1: number }): Point[] {
  return [
    { x: box.x0, y: box.y0 },
    { x: box.x1, y: box.y0 },
    { x: box.x1, y: box.y1 },
    { x: box.x0, y: box.y1 },
  ];
}

/** Map a polygon with an affine transform (e.g. original image → network input). */
export function transformPolygon(poly: readonly Point[], transform: Affine): Point[] {
  return poly.map((p) => affine.apply(transform, p));
}

/**
 * Where a feature-resolution map points, in input pixels: the centre of its largest cell
 * (first on ties). Reading the peak off the coarse map avoids the flat plateaus that bilinear
 * upsampling with edge clamping gives a coarse map (a 2×2 map's maximum fills a whole corner).
 */
export function mapPeakInInput(map: Float32Array | number[], width: number, height: number, inputSize: number): Point {
  const cell = argmax2d(map, width, height);
  return { x: ((cell.x + 0.5) * inputSize) / width - 0.5, y: ((cell.y + 0.5) * inputSize) / height - 0.5 };
}

export interface PointingResult {
  hit: boolean;
  /** Where the map points, in input pixels; undefined for a constant map (it points nowhere). */
  peak?: Point;
  /** Distance from the peak to the region, pixels (0 inside; Infinity for a constant map). */
  distance: number;
}

export interface PointingOptions {
  /** Network input side N the map spans. */
  inputSize: number;
  /** Allowed distance outside the region, input pixels. @defaultValue {@link pointingTolerance}(inputSize) */
  tolerancePx?: number;
}

/**
 * One pointing-game trial, the rule the results use: the peak of the CAM at feature resolution
 * ({@link mapPeakInInput}, the centre of the largest cell), in input pixels, against the
 * ground-truth region mapped into the input; a constant map (e.g. a 1×1 feature map) is a miss.
 * @param cam - row-major map, `width`×`height` (feature resolution)
 * @param region - ground-truth polygon in network-input pixels ({@link transformPolygon})
 */
export function pointingGame(cam: Float32Array | number[], width: number, height: number, region: readonly Point[], options: PointingOptions): PointingResult {
  const tolerancePx = options.tolerancePx ?? pointingTolerance(options.inputSize);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of cam) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (!(hi > lo)) return { hit: false, distance: Number.POSITIVE_INFINITY };
  const peak = mapPeakInInput(cam, width, height, options.inputSize);
  const distance = distanceToPolygon(peak, region);
  return { hit: distance <= tolerancePx, peak, distance };
}
