/**
 * Figures are drawn with vega-lite (declarative charts), compiled to Vega and rendered to SVG in
 * Node with the headless view (`renderer: 'none'`), so no canvas package is needed. PNG, when a
 * raster is wanted, is rasterised from the SVG by sharp (librsvg).
 */
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Shared look of every figure: system sans-serif fonts, no outer padding rectangle. */
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 'bold' },
  title: { fontSize: 13 },
  view: { stroke: '#cccccc' },
} as const;

let counter = 0;

/**
 * Prefix every `id="…"` and its references with a unique token, so that several SVGs inlined in
 * one HTML page cannot capture each other's clip paths or gradients.
 */
export function uniquifySvgIds(svg: string, prefix = `f${++counter}-`): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return svg;
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : m))
    .replace(/href="#([^"]+)"/g, (m, id: string) => (ids.has(id) ? `href="#${prefix}${id}"` : m));
}

/** Render a vega-lite spec to an SVG document string. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const full = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const vg = compile(full).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return uniquifySvgIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG document to PNG at `density` DPI (96 = 1:1). */
export async function svgToPng(svg: string, density = 144): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}
