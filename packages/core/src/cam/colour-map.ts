/**
 * Colour maps for CAM overlays. `jet` is the map of Zhou et al. 2016's figures (MATLAB's jet, dark
 * blue → cyan → yellow → dark red, piecewise linear); `hot` (black → red → yellow → white) rises
 * monotonically in lightness, so it also reads correctly in greyscale print.
 */
import { AffnetError } from '../errors.js';

export type ColourMapName = 'jet' | 'hot';
export const COLOUR_MAPS: readonly ColourMapName[] = ['jet', 'hot'];

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** RGB in [0, 1] for a value in [0, 1] (clamped; NaN maps to 0). */
export function colourAt(name: ColourMapName, value: number): [number, number, number] {
  const x = Number.isNaN(value) ? 0 : clamp01(value);
  if (name === 'jet') {
    return [clamp01(Math.min(4 * x - 1.5, -4 * x + 4.5)), clamp01(Math.min(4 * x - 0.5, -4 * x + 3.5)), clamp01(Math.min(4 * x + 0.5, -4 * x + 2.5))];
  }
  return [clamp01(3 * x), clamp01(3 * x - 1), clamp01(3 * x - 2)];
}

function checkName(name: string): asserts name is ColourMapName {
  if (!(COLOUR_MAPS as readonly string[]).includes(name)) {
    throw new AffnetError('E_OPTION_INVALID', `colourMap: unknown value "${name}". Available: ${COLOUR_MAPS.join(', ')}`);
  }
}

/** Interleaved 8-bit RGB (3 bytes per value) for values in [0, 1]. @defaultValue name "jet" */
export function applyColourMap(values: Float32Array, name: ColourMapName = 'jet'): Uint8Array {
  checkName(name);
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colourAt(name, values[i]!);
    out[3 * i] = Math.round(r * 255);
    out[3 * i + 1] = Math.round(g * 255);
    out[3 * i + 2] = Math.round(b * 255);
  }
  return out;
}

export interface OverlayOptions {
  /** Weight of the heat map over the image. @defaultValue 0.4 */
  alpha?: number;
  /** @defaultValue "jet" */
  colourMap?: ColourMapName;
}

/**
 * Blends a [0, 1] heat map over a [0, 1] grey image of the same size: RGB = (1 − α)·grey + α·colour.
 * @returns interleaved 8-bit RGB
 */
export function overlayHeatmap(grey: Float32Array, heat: Float32Array, options: OverlayOptions = {}): Uint8Array {
  const alpha = options.alpha ?? 0.4;
  const name = options.colourMap ?? 'jet';
  checkName(name);
  if (grey.length !== heat.length) {
    throw new AffnetError('E_OPTION_INVALID', `cam: overlay image has ${grey.length} pixels but the heat map has ${heat.length}`);
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new AffnetError('E_OPTION_INVALID', `alpha: ${alpha} is not in [0, 1]`);
  const out = new Uint8Array(grey.length * 3);
  for (let i = 0; i < grey.length; i++) {
    const g = clamp01(grey[i]!) * (1 - alpha);
    const c = colourAt(name, heat[i]!);
    for (let k = 0; k < 3; k++) out[3 * i + k] = Math.round((g + alpha * c[k]!) * 255);
  }
  return out;
}
