/**
 * The work a decode thread does for one image, as plain data in and out (it crosses a thread
 * boundary): bytes → core `readRadiograph` (DICOM with its window, PNG, JPEG, TIFF; the pixel limit
 * checked on the header) → core `prepareForBundle` (the bundle's own pathway; given clicks win,
 * otherwise the bundle's aligner) → network input. And the CAM overlay of a finished prediction.
 * Runs in a worker thread in a server (see prepare-pool.ts) and in the caller's thread where no
 * threads are wanted; the code is the same.
 */
import {
  isAffnetError,
  prepareForBundle,
  readRadiograph,
  type Affine,
  type AlignmentRecord,
  type BundleManifest,
  type ClickPoints,
  type MapBatch,
  type Radiograph,
  type RunWarning,
} from '@affnet/core';
import { camOverlayRgb, rgbToPng } from '@affnet/eval';

export interface PrepareTask {
  kind: 'prepare';
  /** The model name in the pool's manifests. */
  model: string;
  bytes: Uint8Array;
  /** Names the image in error messages (never a patient attribute). */
  source: string;
  clicks?: ClickPoints;
  maxPixels?: number;
  /** Send the decoded radiograph back (for a CAM overlay later). */
  keepImage?: boolean;
}

/** A decoded radiograph without its patient metadata (only what the overlay needs). */
export interface PlainImage {
  width: number;
  height: number;
  data: Float32Array;
}

export interface PrepareOk {
  ok: true;
  input: Float32Array;
  transform: Affine;
  alignment?: AlignmentRecord;
  warnings: RunWarning[];
  width: number;
  height: number;
  /** Whether the bytes were DICOM (modality) — no patient attributes cross back. */
  modality?: string;
  image?: PlainImage;
  decodeMs: number;
  preprocessMs: number;
}

export interface TaskFailure {
  ok: false;
  code: string;
  message: string;
  file?: string;
}

export interface OverlayTask {
  kind: 'overlay';
  image: PlainImage;
  cam: MapBatch;
  transform: Affine;
  inputSize: number;
  format: 'png' | 'rgb';
  maxSide?: number;
}

export interface OverlayOk {
  ok: true;
  format: 'png' | 'rgb';
  width: number;
  height: number;
  bytes: Uint8Array;
  ms: number;
}

export type Task = PrepareTask | OverlayTask;
export type TaskResult = PrepareOk | OverlayOk | TaskFailure;

function failure(e: unknown): TaskFailure {
  if (isAffnetError(e)) return { ok: false, code: e.code, message: e.message, ...(e.file ? { file: e.file } : {}) };
  return { ok: false, code: 'E_INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/** The pixels as a radiograph for the overlay, which windows by percentiles (it reads neither bit depth nor source). */
function asRadiograph(image: PlainImage): Radiograph {
  return { width: image.width, height: image.height, data: image.data, meta: { source: 'overlay', bitDepth: 16 } };
}

/** Run one task; failures are returned as data (typed errors keep their code across the thread boundary). */
export async function runTask(task: Task, manifests: ReadonlyMap<string, BundleManifest>): Promise<TaskResult> {
  try {
    if (task.kind === 'overlay') {
      const t0 = performance.now();
      const r = asRadiograph(task.image);
      const options = task.maxSide !== undefined ? { maxSide: task.maxSide } : {};
      const { width, height, rgb } = camOverlayRgb(r, task.cam, task.transform, task.inputSize, options);
      if (task.format === 'rgb') return { ok: true, format: 'rgb', width, height, bytes: rgb, ms: performance.now() - t0 };
      const png = await rgbToPng(width, height, rgb);
      return { ok: true, format: 'png', width, height, bytes: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), ms: performance.now() - t0 };
    }
    const manifest = manifests.get(task.model);
    if (!manifest) return { ok: false, code: 'E_NOT_FOUND', message: `no model named "${task.model}"` };
    const t0 = performance.now();
    const radiograph = await readRadiograph(task.bytes, { source: task.source, ...(task.maxPixels !== undefined ? { maxPixels: task.maxPixels } : {}) });
    const t1 = performance.now();
    const pre = prepareForBundle(radiograph, manifest, task.clicks);
    const t2 = performance.now();
    return {
      ok: true,
      input: pre.data,
      transform: pre.transform,
      ...(pre.alignment ? { alignment: pre.alignment } : {}),
      warnings: radiograph.meta.warnings ?? [],
      width: radiograph.width,
      height: radiograph.height,
      ...(radiograph.meta.modality ? { modality: radiograph.meta.modality } : {}),
      ...(task.keepImage ? { image: { width: radiograph.width, height: radiograph.height, data: radiograph.data } } : {}),
      decodeMs: t1 - t0,
      preprocessMs: t2 - t1,
    };
  } catch (e) {
    return failure(e);
  }
}
