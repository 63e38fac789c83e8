/** The structured record of what the display pipeline did, and its one-line-per-step text form. */
import type { ModalityStep, VoiStep } from './grey-pipeline.js';
import type { Photometric } from './pixel-module.js';

export interface DicomPixelInfo {
  transferSyntax: { uid: string; name: string; lossy: boolean; encapsulated: boolean };
  /** Part 10 file, meta header without preamble, or ACR-NEMA style bare data set. */
  layout: 'part10' | 'meta-no-preamble' | 'acr-nema';
  /** The decoder that produced the stored values. */
  codec: string;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometric: Photometric;
  planarConfiguration: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  frames: { count: number; index: number };
  modalityLut: ModalityStep;
  voi: VoiStep;
  presentationLutShape?: string;
  /** True when the output was inverted (MONOCHROME1 or Presentation LUT Shape INVERSE) to make bone bright. */
  inverted: boolean;
  outputRange: [number, number];
  /** How colour samples became grey, for colour images. */
  colour?: string;
  clampedSamples: number;
  notes: string[];
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

export function describeModality(m: ModalityStep): string {
  if (m.kind === 'identity') return 'modality LUT: none (identity)';
  if (m.kind === 'rescale') return `modality LUT: rescale slope ${fmt(m.slope)} intercept ${fmt(m.intercept)}${m.rescaleType ? ` (${m.rescaleType})` : ''}`;
  return `modality LUT: sequence, ${m.entries} entries from ${m.firstMapped}, ${m.bits} bits`;
}

export function describeVoi(v: VoiStep): string {
  if (v.kind === 'window') {
    const which = v.index < 0 ? 'caller window' : `window ${v.index + 1} of ${v.count}`;
    return `VOI: ${which}, center ${fmt(v.center)} width ${fmt(v.width)} (${v.fn})${v.explanation && v.index >= 0 ? ` "${v.explanation}"` : ''}`;
  }
  if (v.kind === 'lut') return `VOI: LUT ${v.index + 1} of ${v.count}, ${v.entries} entries from ${v.firstMapped}, ${v.bits} bits`;
  return `VOI: none; modality range ${fmt(v.inputRange[0])}..${fmt(v.inputRange[1])} mapped linearly`;
}

export function describePipeline(info: DicomPixelInfo): string[] {
  const lines = [
    `transfer syntax: ${info.transferSyntax.uid} ${info.transferSyntax.name}${info.transferSyntax.lossy ? ' (lossy)' : ''}; decoder: ${info.codec}`,
    `stored: ${info.bitsStored} of ${info.bitsAllocated} bits, high bit ${info.highBit}, ${info.signed ? 'signed' : 'unsigned'}, ${info.photometric}`,
    `frame ${info.frames.index} of ${info.frames.count} (0-based)`,
    describeModality(info.modalityLut),
    describeVoi(info.voi),
    info.inverted ? `inverted: ${info.photometric === 'MONOCHROME1' ? 'MONOCHROME1' : 'Presentation LUT Shape INVERSE'}` : 'not inverted',
    `output: ${info.outputRange[0]}..${info.outputRange[1]} (Float32), bone bright`,
  ];
  if (info.colour) lines.push(`colour: ${info.colour}`);
  for (const n of info.notes) lines.push(`note: ${n}`);
  return lines;
}
