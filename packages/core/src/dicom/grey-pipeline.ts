/**
 * The standard's grey-level pipeline (DICOM PS3.4 N.2.1, PS3.3 C.11): stored values → Modality LUT
 * (Rescale Slope/Intercept or Modality LUT Sequence) → VOI (Window Center/Width with the VOI LUT
 * Function, or a VOI LUT Sequence) → polarity (MONOCHROME1, Presentation LUT Shape INVERSE), so that the
 * result is always bone-bright. The displayed range is 0..2^BitsStored−1 (Float32, not rounded), the
 * scale raster images use too.
 */
import { lutLookup, type LutTable, type WindowAttr } from './lut-data.js';

export type ModalityStep =
  | { kind: 'identity' }
  | { kind: 'rescale'; slope: number; intercept: number; rescaleType?: string }
  | { kind: 'lut'; entries: number; firstMapped: number; bits: number; explanation?: string };

export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export type VoiStep =
  | { kind: 'window'; center: number; width: number; fn: VoiFunction; index: number; count: number; explanation?: string }
  | { kind: 'lut'; entries: number; firstMapped: number; bits: number; index: number; count: number; explanation?: string }
  /** No VOI in the file (or asked for none): the full modality range maps linearly onto the output. */
  | { kind: 'none'; inputRange: [number, number] };

/**
 * Which VOI to apply: `auto` (default) is the first window, else the first VOI LUT, else none; a
 * number picks that window (0-based); `{ lut }` picks a VOI LUT; `{ center, width }` overrides the file.
 */
export type VoiChoice = 'auto' | 'none' | number | { lut: number } | { center: number; width: number; fn?: VoiFunction };

export function applyModality(stored: Int32Array, step: ModalityStep, lut?: LutTable): Float32Array {
  const out = new Float32Array(stored.length);
  if (step.kind === 'rescale') {
    const { slope, intercept } = step;
    for (let i = 0; i < stored.length; i++) out[i] = stored[i]! * slope + intercept;
  } else if (step.kind === 'lut' && lut) {
    for (let i = 0; i < stored.length; i++) out[i] = lutLookup(lut, stored[i]!);
  } else {
    out.set(stored);
  }
  return out;
}

/** The VOI as a scalar function onto [0, 1]. PS3.3 C.11.2.1.2.1 (LINEAR), C.11.2.1.3 (LINEAR_EXACT, SIGMOID). */
export function voiFunction(step: VoiStep, lut?: LutTable): (x: number) => number {
  if (step.kind === 'window') {
    const { center: c, width: w } = step;
    if (step.fn === 'SIGMOID') return (x) => 1 / (1 + Math.exp((-4 * (x - c)) / w));
    if (step.fn === 'LINEAR_EXACT') {
      return (x) => (x <= c - w / 2 ? 0 : x > c + w / 2 ? 1 : (x - c) / w + 0.5);
    }
    const lo = c - 0.5 - (w - 1) / 2;
    const hi = c - 0.5 + (w - 1) / 2;
    return (x) => (x <= lo ? 0 : x > hi ? 1 : (x - (c - 0.5)) / (w - 1) + 0.5);
  }
  if (step.kind === 'lut' && lut) {
    const max = 2 ** step.bits - 1;
    return (x) => lutLookup(lut, x) / max;
  }
  const [a, b] = step.kind === 'none' ? step.inputRange : [0, 1];
  const span = b - a;
  return span > 0 ? (x) => Math.min(1, Math.max(0, (x - a) / span)) : () => 0;
}

/** VOI then polarity, into 0..outMax. */
export function applyVoi(modality: Float32Array, f: (x: number) => number, outMax: number, invert: boolean, step?: VoiStep): Float32Array {
  const out = new Float32Array(modality.length);
  if (step?.kind === 'window' && step.fn === 'LINEAR' && step.width > 1) {
    // The LINEAR window inlined (the hot path): clamping the middle formula reproduces C.11.2.1.2.1's
    // two threshold branches exactly, as the formula is 0 at the lower and 1 at the upper threshold.
    const a = outMax / (step.width - 1);
    const b = (0.5 - (step.center - 0.5) / (step.width - 1)) * outMax;
    for (let i = 0; i < modality.length; i++) {
      const y = modality[i]! * a + b;
      const c = y < 0 ? 0 : y > outMax ? outMax : y;
      out[i] = invert ? outMax - c : c;
    }
    return out;
  }
  for (let i = 0; i < modality.length; i++) {
    const y = f(modality[i]!) * outMax;
    out[i] = invert ? outMax - y : y;
  }
  return out;
}

/** Chooses the VOI step from the file's attributes and the caller's choice; invalid windows are skipped with a note. */
export function chooseVoi(choice: VoiChoice, windows: WindowAttr[], fnAttr: string | undefined, luts: LutTable[], modalityRange: [number, number], notes: string[]): VoiStep {
  const fnRaw = (fnAttr ?? 'LINEAR').trim().toUpperCase();
  const fn: VoiFunction = fnRaw === 'SIGMOID' || fnRaw === 'LINEAR_EXACT' ? fnRaw : 'LINEAR';
  if (fnRaw !== fn) notes.push(`unknown VOI LUT Function "${fnRaw}"; LINEAR used`);
  const valid = (w: WindowAttr, f: VoiFunction) => (f === 'LINEAR' ? w.width >= 1 : w.width > 0);
  const window = (i: number): VoiStep | undefined => {
    const w = windows[i];
    if (!w) return undefined;
    if (!valid(w, fn)) {
      notes.push(`window ${i + 1} (center ${w.center}, width ${w.width}) is invalid for ${fn} and was skipped`);
      return undefined;
    }
    return { kind: 'window', center: w.center, width: w.width, fn, index: i, count: windows.length, ...(w.explanation ? { explanation: w.explanation } : {}) };
  };
  const lutStep = (i: number): VoiStep | undefined => {
    const l = luts[i];
    if (!l) return undefined;
    return { kind: 'lut', entries: l.data.length, firstMapped: l.firstMapped, bits: l.bits, index: i, count: luts.length, ...(l.explanation ? { explanation: l.explanation } : {}) };
  };
  const none: VoiStep = { kind: 'none', inputRange: modalityRange };
  if (choice === 'none') return none;
  if (typeof choice === 'number') return window(choice) ?? none;
  if (typeof choice === 'object' && 'lut' in choice) return lutStep(choice.lut) ?? none;
  if (typeof choice === 'object') {
    const f = choice.fn ?? 'LINEAR';
    return { kind: 'window', center: choice.center, width: choice.width, fn: f, index: -1, count: windows.length, explanation: 'caller override' };
  }
  return window(0) ?? lutStep(0) ?? none;
}
