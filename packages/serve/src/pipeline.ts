/**
 * One served model's way from request bytes to a prediction record: the decode thread (bytes →
 * radiograph → the bundle's pathway → network input), the micro-batcher (one forward pass for many
 * requests), and, on request, the CAM overlay (back on a decode thread). `affnet serve`, the
 * library's `createServer` and the DICOMweb classifier all go through it.
 */
import { AffnetError, predictImages, predictionRecord, runtimeId, type ClickPoints, type LoadedModel, type PredictionRecord } from '@affnet/core';
import { MicroBatcher, type BatcherOptions } from './batcher.js';
import type { ServeMetrics } from './metrics.js';
import type { PreparePool } from './prepare-pool.js';
import type { PrepareOk } from './prepare-task.js';

export interface ImageRequest {
  bytes: Uint8Array;
  /** Names the image in messages: "request body", a multipart file name. */
  source: string;
  clicks?: ClickPoints;
  /** Return the CAM overlay as PNG bytes, or as raw RGB (DICOM Secondary Capture). */
  cam?: 'png' | 'rgb';
  /** Draw the overlay only when this says so for the probability (the CAM is computed in the pass either way). */
  camWhen?: (probability: number) => boolean;
  /** Longest side of the overlay. @defaultValue 384 (PNG), the original size capped at 2048 (RGB) */
  camMaxSide?: number;
}

export interface Timings {
  decodeMs: number;
  preprocessMs: number;
  queueMs: number;
  forwardMs: number;
  overlayMs?: number;
  totalMs: number;
}

export interface ImageResult extends PredictionRecord {
  model: string;
  /** The runtime that ran it, `backend:engine/precision`. */
  runtime: string;
  pathway: string;
  width: number;
  height: number;
  batchSize: number;
  timings: Timings;
  cam?: { format: 'png' | 'rgb'; width: number; height: number; bytes: Uint8Array };
}

export interface PipelineOptions extends Omit<BatcherOptions, 'onBatch'> {
  /** Refuse images with more pixels (checked on the header). @defaultValue 60 000 000 */
  maxPixels?: number;
  metrics?: ServeMetrics;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export class ModelPipeline {
  readonly batcher: MicroBatcher;
  readonly runtime: string;
  /** Decision threshold on the positive probability. */
  readonly threshold: number;
  /** Images being decoded for this model (not yet submitted to the batcher). */
  private decoding = 0;

  constructor(
    readonly name: string,
    readonly model: LoadedModel,
    private readonly pool: PreparePool,
    private readonly options: PipelineOptions = {},
  ) {
    const metrics = options.metrics;
    this.batcher = new MicroBatcher(model, {
      ...options,
      upstream: () => this.decoding,
      onBatch: (size, ms) => {
        metrics?.batchSize.observe({ model: name }, size);
        metrics?.observe('forward', name, ms);
      },
    });
    this.runtime = runtimeId(model.runtime);
    this.threshold = options.threshold ?? 0.5;
  }

  /** Warm the runtime: one pass at batch 1 and one at the largest batch, on a blank input. */
  async warm(): Promise<void> {
    const n = this.model.bundle.manifest.inputSize;
    const blank = { data: new Float32Array(n * n * 3) };
    await predictImages(this.model, [blank]);
    await predictImages(this.model, Array(this.batcher.maxBatch).fill(blank), { batchSize: this.batcher.maxBatch });
  }

  async predict(req: ImageRequest): Promise<ImageResult> {
    const t0 = performance.now();
    const m = this.model.bundle.manifest;
    const metrics = this.options.metrics;
    metrics?.decodeQueue.set(this.pool.queued + 1);
    this.decoding++;
    let pre: PrepareOk;
    try {
      pre = await this.pool.prepare({
        model: this.name,
        bytes: req.bytes,
        source: req.source,
        ...(req.clicks ? { clicks: req.clicks } : {}),
        maxPixels: this.options.maxPixels ?? 60_000_000,
        keepImage: req.cam !== undefined,
      });
    } finally {
      this.decoding--;
    }
    metrics?.decodeQueue.set(this.pool.queued);
    metrics?.observe('decode', this.name, pre.decodeMs);
    metrics?.observe('preprocess', this.name, pre.preprocessMs);
    metrics?.queueDepth.set({ model: this.name }, this.batcher.depth + 1);
    const b = await this.batcher.submit(pre.input, req.cam !== undefined);
    metrics?.queueDepth.set({ model: this.name }, this.batcher.depth);
    metrics?.observe('queue', this.name, b.queueMs);
    const record = predictionRecord(m, b.prediction, pre, pre.warnings, req.source);
    let cam: ImageResult['cam'];
    let overlayMs: number | undefined;
    if (req.cam && (req.camWhen?.(b.prediction.probability) ?? true)) {
      if (!b.prediction.cam || !pre.image) throw new AffnetError('E_RUNTIME', `${this.runtime} gave no feature map for the CAM`);
      const maxSide = req.camMaxSide ?? (req.cam === 'png' ? 384 : Math.min(2048, Math.max(pre.width, pre.height)));
      const o = await this.pool.overlay({ image: pre.image, cam: b.prediction.cam, transform: pre.transform, inputSize: m.inputSize, format: req.cam, maxSide });
      overlayMs = o.ms;
      metrics?.observe('overlay', this.name, o.ms);
      cam = { format: o.format, width: o.width, height: o.height, bytes: o.bytes };
    }
    const totalMs = performance.now() - t0;
    metrics?.observe('total', this.name, totalMs);
    metrics?.images.inc({ model: this.name });
    return {
      ...record,
      model: this.name,
      runtime: this.runtime,
      pathway: m.preprocessing.pathway,
      width: pre.width,
      height: pre.height,
      batchSize: b.batchSize,
      timings: {
        decodeMs: round(pre.decodeMs),
        preprocessMs: round(pre.preprocessMs),
        queueMs: round(b.queueMs),
        forwardMs: round(b.forwardMs),
        ...(overlayMs !== undefined ? { overlayMs: round(overlayMs) } : {}),
        totalMs: round(totalMs),
      },
      ...(cam ? { cam } : {}),
    };
  }
}
