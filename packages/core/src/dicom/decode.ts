/**
 * DICOM to Radiograph: parse once, then decode any frame through the codec, the stored-value rules and the
 * grey-level pipeline. Everything applied is returned in a structured `info` and as `meta.pipeline` text.
 */
import { readFile } from 'node:fs/promises';
import type { DataSet } from 'dicom-parser';
import { AffnetError } from '../errors.js';
import { createRadiograph, type Radiograph } from '../image/radiograph.js';
import { codecLabel, decodeFrame } from './codecs/decode-frame.js';
import { encapsulatedFrameBytes, frameFragments, nativeFrameBytes, pixelDataElement } from './frames.js';
import { applyModality, applyVoi, chooseVoi, voiFunction, type ModalityStep, type VoiChoice, type VoiStep } from './grey-pipeline.js';
import { readLutSequence, readWindows, type LutTable } from './lut-data.js';
import { readMetadata, type DicomMetadata } from './metadata.js';
import { parseDicomBytes } from './parse.js';
import { readPixelModule, storedRange, type PixelModule } from './pixel-module.js';
import { storedFromDecoded, storedFromNative } from './stored.js';
import { describePipeline, type DicomPixelInfo } from './pipeline-info.js';
import type { TransferSyntax } from './transfer-syntax.js';

export interface DicomReadOptions {
  /** 0-based frame index. @defaultValue 0 */
  frame?: number;
  /** VOI selection. @defaultValue 'auto' (first window, else first VOI LUT, else none) */
  voi?: VoiChoice;
  /** Label used in errors and `meta.source` when the input is a buffer. */
  source?: string;
}

export interface DicomFrame {
  /** Displayed image: after modality LUT, VOI and polarity; bone bright; 0..2^BitsStored−1. */
  radiograph: Radiograph;
  /** Stored values (after Bits Stored / High Bit / sign rules; colour already made grey). */
  stored: Int32Array;
  /** Values after the Modality LUT (e.g. Hounsfield units for CT). */
  modality: Float32Array;
  info: DicomPixelInfo;
  /** Descriptive attributes (patient, study, view, spacing). */
  metadata: DicomMetadata;
}

export interface DicomFile {
  source: string;
  metadata: DicomMetadata;
  pixelModule: PixelModule;
  transferSyntax: TransferSyntax;
  frameCount: number;
  readFrame(index: number, voi?: VoiChoice): Promise<DicomFrame>;
  frames(voi?: VoiChoice): AsyncGenerator<DicomFrame>;
}

export async function loadBytes(input: string | Uint8Array, source?: string): Promise<{ bytes: Uint8Array; source: string }> {
  if (typeof input !== 'string') return { bytes: input, source: source ?? '<buffer>' };
  try {
    return { bytes: new Uint8Array(await readFile(input)), source: source ?? input };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AffnetError('E_FILE_NOT_FOUND', 'file not found', { file: input, cause: e });
    throw new AffnetError('E_IO', `cannot read the file (${code ?? String(e)})`, { file: input, cause: e });
  }
}

function modalityStep(ds: DataSet, luts: LutTable[]): ModalityStep {
  const lut = luts[0];
  if (lut) {
    return { kind: 'lut', entries: lut.data.length, firstMapped: lut.firstMapped, bits: lut.bits, ...(lut.explanation ? { explanation: lut.explanation } : {}) };
  }
  const slope = ds.floatString('x00281053');
  const intercept = ds.floatString('x00281052');
  if (slope === undefined && intercept === undefined) return { kind: 'identity' };
  const rescaleType = ds.string('x00281054')?.trim();
  return { kind: 'rescale', slope: slope ?? 1, intercept: intercept ?? 0, ...(rescaleType ? { rescaleType } : {}) };
}

function modalityRange(step: ModalityStep, pm: PixelModule, lut?: LutTable): [number, number] {
  const [lo, hi] = storedRange(pm);
  if (step.kind === 'rescale') {
    const a = lo * step.slope + step.intercept;
    const b = hi * step.slope + step.intercept;
    return [Math.min(a, b), Math.max(a, b)];
  }
  if (step.kind === 'lut' && lut) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of lut.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return [min, max];
  }
  return [lo, hi];
}

function checkVoiChoice(choice: VoiChoice, windows: number, luts: number, file: string): void {
  const bad = (m: string) => new AffnetError('E_OPTION_INVALID', `voi: ${m}`, { file });
  if (typeof choice === 'number' && (choice < 0 || choice >= windows || !Number.isInteger(choice))) {
    throw bad(`window ${choice} requested; the file has ${windows} window(s) (valid: ${windows ? `0..${windows - 1}` : 'none'})`);
  }
  if (typeof choice === 'object' && 'lut' in choice && (choice.lut < 0 || choice.lut >= luts || !Number.isInteger(choice.lut))) {
    throw bad(`VOI LUT ${choice.lut} requested; the file has ${luts} (valid: ${luts ? `0..${luts - 1}` : 'none'})`);
  }
  if (typeof choice === 'object' && 'center' in choice && !(choice.width > 0 && Number.isFinite(choice.center))) {
    throw bad(`window width must be > 0 and center finite (got center ${choice.center}, width ${choice.width})`);
  }
}

/** Parses a DICOM file or buffer; frames are decoded on demand. */
export async function openDicom(input: string | Uint8Array, options: { source?: string } = {}): Promise<DicomFile> {
  const { bytes, source } = await loadBytes(input, options.source);
  try {
    return openParsed(bytes, source);
  } catch (e) {
    throw asAffnetError(e, 'E_DICOM_PARSE', source);
  }
}

/**
 * The last line of "never a crash": an unexpected exception from a library on damaged input (a
 * RangeError in a parser, an allocation failure) still reaches the caller as a typed error naming the file.
 */
function asAffnetError(e: unknown, code: 'E_DICOM_PARSE' | 'E_DICOM_PIXEL_DATA', file: string): AffnetError {
  if (e instanceof AffnetError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new AffnetError(code, `cannot decode (${msg})`, { file, cause: e });
}

function openParsed(bytes: Uint8Array, source: string): DicomFile {
  const parsed = parseDicomBytes(bytes, source);
  const ds = parsed.dataSet;
  const pm = readPixelModule(ds, source);
  const el = pixelDataElement(ds, source);
  const syntax = parsed.syntax;
  const metadata = readMetadata(ds);
  if (syntax.encapsulated !== (el.encapsulatedPixelData === true)) {
    throw new AffnetError(
      'E_DICOM_PIXEL_DATA',
      `${syntax.name} needs ${syntax.encapsulated ? 'encapsulated' : 'native'} Pixel Data, but the element is ${el.encapsulatedPixelData ? 'encapsulated' : 'native'}`,
      { file: source },
    );
  }
  const groups = syntax.encapsulated ? frameFragments(el, ds.byteArray, pm.numberOfFrames, syntax.codec, source) : undefined;
  if (!syntax.encapsulated) nativeFrameBytes(ds, el, pm, 0, source); // length check up front
  const modalityLuts = readLutSequence(ds, 'x00283000', pm.signed, source);
  const mStep = modalityStep(ds, modalityLuts);
  const mRange = modalityRange(mStep, pm, modalityLuts[0]);
  // A VOI LUT's first mapped value is signed (SS) when the values it maps can be negative (C.11.2.1.1).
  const voiLuts = readLutSequence(ds, 'x00283010', mRange[0] < 0, source);
  const windows = readWindows(ds);
  const shape = ds.string('x20500020')?.trim().toUpperCase();

  async function readFrame(index: number, voi: VoiChoice = 'auto'): Promise<DicomFrame> {
    try {
      return await readFrameUnguarded(index, voi);
    } catch (e) {
      throw asAffnetError(e, 'E_DICOM_PIXEL_DATA', source);
    }
  }

  async function readFrameUnguarded(index: number, voi: VoiChoice): Promise<DicomFrame> {
    if (!Number.isInteger(index) || index < 0 || index >= pm.numberOfFrames) {
      throw new AffnetError('E_OPTION_INVALID', `frame ${index}: the file has ${pm.numberOfFrames} frame(s) (valid: 0..${pm.numberOfFrames - 1})`, { file: source });
    }
    checkVoiChoice(voi, windows.length, voiLuts.length, source);
    const notes: string[] = [];
    let codec = 'native';
    let storedFrame;
    if (groups) {
      const data = encapsulatedFrameBytes(ds.byteArray, groups, index);
      codec = codecLabel(syntax, data);
      storedFrame = storedFromDecoded(await decodeFrame(syntax, data, pm, source, notes), pm, syntax.lossy, source);
    } else {
      storedFrame = storedFromNative(nativeFrameBytes(ds, el, pm, index, source), pm, syntax.littleEndian);
    }
    if (storedFrame.clamped > 0) notes.push(`${storedFrame.clamped} lossy sample(s) outside the ${pm.bitsStored}-bit stored range clamped`);
    const modality = applyModality(storedFrame.values, mStep, modalityLuts[0]);
    const vStep: VoiStep = chooseVoi(voi, windows, ds.string('x00281056'), voiLuts, mRange, notes);
    const mono1 = pm.photometric === 'MONOCHROME1';
    if (mono1 && shape === 'IDENTITY') notes.push('Presentation LUT Shape IDENTITY contradicts MONOCHROME1; inverted as MONOCHROME1 requires');
    const inverted = mono1 || shape === 'INVERSE';
    const outMax = 2 ** pm.bitsStored - 1;
    const display = applyVoi(modality, voiFunction(vStep, vStep.kind === 'lut' ? voiLuts[vStep.index] : undefined), outMax, inverted, vStep);
    const info: DicomPixelInfo = {
      transferSyntax: { uid: syntax.uid, name: syntax.name, lossy: syntax.lossy, encapsulated: syntax.encapsulated },
      layout: parsed.layout.kind === 'raw' ? 'acr-nema' : parsed.layout.kind,
      codec,
      rows: pm.rows,
      columns: pm.columns,
      samplesPerPixel: pm.samplesPerPixel,
      photometric: pm.photometric,
      planarConfiguration: pm.planarConfiguration,
      bitsAllocated: pm.bitsAllocated,
      bitsStored: pm.bitsStored,
      highBit: pm.highBit,
      signed: pm.signed,
      frames: { count: pm.numberOfFrames, index },
      modalityLut: mStep,
      voi: vStep,
      ...(shape ? { presentationLutShape: shape } : {}),
      inverted,
      outputRange: [0, outMax],
      ...(storedFrame.colour ? { colour: storedFrame.colour } : {}),
      clampedSamples: storedFrame.clamped,
      notes,
    };
    const radiograph = createRadiograph(pm.columns, pm.rows, display, {
      source,
      ...(metadata.modality ? { modality: metadata.modality } : {}),
      photometricInterpretation: pm.photometric,
      ...(metadata.pixelSpacing ? { pixelSpacing: metadata.pixelSpacing } : {}),
      bitDepth: pm.bitsStored,
      ...(metadata.patientId ? { patientId: metadata.patientId } : {}),
      ...(metadata.studyInstanceUid ? { studyInstanceUid: metadata.studyInstanceUid } : {}),
      ...(metadata.sopInstanceUid ? { sopInstanceUid: metadata.sopInstanceUid } : {}),
      ...(metadata.bodyPart ? { bodyPart: metadata.bodyPart } : {}),
      ...(metadata.viewPosition ? { viewPosition: metadata.viewPosition } : {}),
      ...(metadata.laterality ? { laterality: metadata.laterality } : {}),
      pipeline: describePipeline(info),
    });
    return { radiograph, stored: storedFrame.values, modality, info, metadata };
  }

  return {
    source,
    metadata,
    pixelModule: pm,
    transferSyntax: syntax,
    frameCount: pm.numberOfFrames,
    readFrame,
    async *frames(voi: VoiChoice = 'auto') {
      for (let i = 0; i < pm.numberOfFrames; i++) yield await readFrame(i, voi);
    },
  };
}

/** Decodes one frame (the first by default) of a DICOM file or buffer. */
export async function decodeDicom(input: string | Uint8Array, options: DicomReadOptions = {}): Promise<DicomFrame> {
  const file = await openDicom(input, options.source !== undefined ? { source: options.source } : {});
  return file.readFrame(options.frame ?? 0, options.voi ?? 'auto');
}

/** Iterates over every frame of a multi-frame file, decoding one at a time. */
export async function* dicomFrames(input: string | Uint8Array, options: Omit<DicomReadOptions, 'frame'> = {}): AsyncGenerator<DicomFrame> {
  const file = await openDicom(input, options.source !== undefined ? { source: options.source } : {});
  yield* file.frames(options.voi ?? 'auto');
}
