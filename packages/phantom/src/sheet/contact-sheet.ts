/**
 * A contact sheet of phantom radiographs for the README: for each example the full radiograph (with
 * the ground-truth fracture region and the two simulated clicks drawn on it) and what the network
 * receives from each pathway of the reference study — the automated pathway (pad to square, 256×256)
 * and the intervention pathway (centred on the fracture click, shaft axis vertical, cropped) — both
 * through @affnet/core's `preprocess`, shown as their first channel (z-scores −3..3 → black..white).
 */
import sharp, { type OverlayOptions } from 'sharp';
import { createRadiograph, createRng, preprocess, type PreprocessingSpec } from '@affnet/core';
import type { FractureLabel } from '../fracture/types.js';
import { drawPatient } from '../radiograph/draw-patient.js';
import { drawView } from '../radiograph/draw-view.js';
import { renderImage, type RenderedImage } from '../radiograph/render.js';

export interface ContactSheetOptions {
  /** @defaultValue 7 */
  seed?: number;
  /** @defaultValue 0.3 */
  difficulty?: number;
  /** Examples per class (AFF first); every fourth is a lateral view. @defaultValue 4 */
  perClass?: number;
  /** Image height range of the rendered radiographs. @defaultValue [1500, 2500] */
  height?: readonly [number, number];
  /** Side of the pathway tiles in the sheet, px. @defaultValue 200 */
  tile?: number;
  /** Network input size of the pathways. @defaultValue 256 */
  inputSize?: number;
}

interface Example {
  label: FractureLabel;
  image: RenderedImage;
}

const CAPTION = 22;
const GAP = 6;

const svg = (w: number, h: number, body: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`);

/** The first channel of a preprocessed NHWC input as 8-bit grey (z −3..3). */
function channelToGrey(data: Float32Array, n: number): Buffer {
  const out = Buffer.alloc(n * n);
  for (let i = 0; i < n * n; i++) out[i] = Math.max(0, Math.min(255, Math.round(((data[i * 3]! + 3) / 6) * 255)));
  return out;
}

async function fullTile(e: Example, height: number): Promise<{ buffer: Buffer; width: number }> {
  const { width: w, height: h, stored, bitsStored, truth } = e.image;
  const max = 2 ** bitsStored - 1;
  const grey = Buffer.alloc(w * h);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round((stored[i]! / max) * 255);
  const k = height / h;
  const width = Math.round(w * k);
  const poly = truth.fracture.region.polygon.map((p) => `${(p.x * k).toFixed(1)},${(p.y * k).toFixed(1)}`).join(' ');
  const dot = (p: { x: number; y: number }, colour: string) => `<circle cx="${p.x * k}" cy="${p.y * k}" r="3" fill="${colour}"/>`;
  const overlay = svg(width, height, `<polygon points="${poly}" fill="none" stroke="#ff3030" stroke-width="1.5"/>${dot(truth.clicks.fracture, '#ffd000')}${dot(truth.clicks.axis, '#00d0ff')}`);
  const base = await sharp(grey, { raw: { width: w, height: h, channels: 1 } })
    .resize(width, height, { kernel: 'lanczos3' })
    .toColourspace('srgb')
    .png()
    .toBuffer();
  return {
    buffer: await sharp(base)
      .composite([{ input: overlay }])
      .png()
      .toBuffer(),
    width,
  };
}

async function pathwayTile(e: Example, spec: PreprocessingSpec, tile: number): Promise<Buffer> {
  const { width, height, stored, bitsStored, truth } = e.image;
  const r = createRadiograph(width, height, Float32Array.from(stored), {
    source: `${truth.patientId} ${truth.view}`,
    bitDepth: bitsStored,
    pixelSpacing: truth.image.pixelSpacing,
  });
  const p = preprocess(r, spec, spec.pathway === 'intervention' ? { clicks: truth.clicks } : {});
  const n = spec.inputSize;
  return sharp(channelToGrey(p.data, n), { raw: { width: n, height: n, channels: 1 } })
    .resize(tile, tile)
    .toColourspace('srgb')
    .png()
    .toBuffer();
}

/** Renders the sheet as a PNG (palette-quantised to keep it small enough to commit). */
export async function renderContactSheet(options: ContactSheetOptions = {}): Promise<Buffer> {
  const seed = options.seed ?? 7;
  const difficulty = options.difficulty ?? 0.3;
  const perClass = options.perClass ?? 4;
  const tile = options.tile ?? 200;
  const inputSize = options.inputSize ?? 256;
  const rng = createRng(seed);
  const examples: Example[] = [];
  for (const label of ['AFF', 'NFF'] as const) {
    for (let i = 0; i < perClass; i++) {
      const p = drawPatient(rng, examples.length, label, difficulty);
      const v = drawView(rng, p, i % 4 === 3 ? 1 : 0, options.height ? { height: options.height } : {});
      examples.push({ label, image: renderImage(p, v, createRng(rng.int(2 ** 32))) });
    }
  }
  const automated: PreprocessingSpec = { pathway: 'automated', inputSize, normalisation: 'zscore' };
  const intervention: PreprocessingSpec = { pathway: 'intervention', inputSize, normalisation: 'zscore' };
  const cells = await Promise.all(
    examples.map(async (e) => {
      const full = await fullTile(e, tile);
      return { e, full, auto: await pathwayTile(e, automated, tile), interv: await pathwayTile(e, intervention, tile) };
    }),
  );
  const fullWidth = Math.max(...cells.map((c) => c.full.width));
  const cellW = fullWidth + 2 * tile + 2 * GAP;
  const cellH = tile + CAPTION;
  const cols = 2;
  const rows = Math.ceil(cells.length / cols);
  const W = cols * cellW + (cols + 1) * GAP * 2;
  const H = rows * cellH + (rows + 1) * GAP + CAPTION;
  const layers: OverlayOptions[] = [];
  const text: string[] = [
    `<text x="${GAP * 2}" y="16" font-family="DejaVu Sans, sans-serif" font-size="13" fill="#ddd">affnet phantom, difficulty ${difficulty}, seed ${seed}: radiograph (red: truth region; yellow / cyan: clicks) · automated pathway · intervention pathway (${inputSize}×${inputSize}, first channel)</text>`,
  ];
  cells.forEach((c, i) => {
    const x = GAP * 2 + (i % cols) * (cellW + GAP * 2);
    const y = CAPTION + GAP + Math.floor(i / cols) * (cellH + GAP);
    const t = c.e.image.truth;
    const colour = c.e.label === 'AFF' ? '#ff9a3c' : '#7fc8ff';
    text.push(
      `<text x="${x}" y="${y + 15}" font-family="DejaVu Sans, sans-serif" font-size="13" fill="${colour}">${c.e.label} · ${t.view} · ${t.side} · line ${t.fracture.angle.toFixed(0)}° · beak ${t.fracture.beak.toFixed(1)} mm · ${t.fracture.pieces} piece(s)</text>`,
    );
    layers.push({ input: c.full.buffer, left: x, top: y + CAPTION });
    layers.push({ input: c.auto, left: x + fullWidth + GAP, top: y + CAPTION });
    layers.push({ input: c.interv, left: x + fullWidth + tile + 2 * GAP, top: y + CAPTION });
  });
  layers.push({ input: svg(W, H, text.join('')), left: 0, top: 0 });
  return sharp({ create: { width: W, height: H, channels: 3, background: '#161616' } })
    .composite(layers)
    .png({ palette: true, colours: 128, compressionLevel: 9, effort: 8 })
    .toBuffer();
}
