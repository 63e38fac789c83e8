/**
 * Runtime comparison: one trained bundle on every runtime the caller offers (tfjs wasm / cpu /
 * webgpu / node, ONNX Runtime providers × fp32 / fp16 / int8, transformers.js …). For each: label
 * agreement and max |Δ probability| against a reference runtime, AUC on the labelled images,
 * latency p50 / p95 at batch 1, throughput at batch 16, cold start (load + first inference) and
 * peak memory. A runtime that is absent, or fails, is listed with the reason and the run goes on.
 */
import { AffnetError, predictImages, runtimeId, quantile, rocAuc, type ImageBatch, type LoadedModel } from '@affnet/core';
import type { RuntimeResult } from '../results/comparison.js';
import { now, watchMemory } from './measure.js';

export interface RuntimeCandidate {
  id: string;
  backend: string;
  engine: string;
  precision: 'fp32' | 'fp16' | 'int8';
  /** Set when the runtime is known to be absent before trying (e.g. the backend's `engines()` said so). */
  absentReason?: string;
  /** Load the bundle on exactly this runtime (no fall-back); throw with the reason when it cannot. */
  load(): Promise<LoadedModel>;
}

export interface CompareOptions {
  /** The labelled images, preprocessed, [n, N, N, C]. */
  images: ImageBatch;
  /** 1 for the positive class, per image. */
  truth: ReadonlyArray<0 | 1>;
  /** Runtime id the others are compared with. @defaultValue the first available candidate */
  reference?: string;
  /** Timed batch-1 runs after warm-up. @defaultValue 20 */
  latencyRuns?: number;
  /** Untimed runs before timing. @defaultValue 2 */
  warmupRuns?: number;
  /** @defaultValue 16 */
  throughputBatch?: number;
  /** Timed runs at the throughput batch. @defaultValue 3 */
  throughputRuns?: number;
  /**
   * Time budget per runtime from loading on, milliseconds. A slow runtime (tfjs's plain-JavaScript
   * CPU engine) measures what fits: agreement and AUC on the images done in time, at least one
   * latency run (three while the budget lasts), throughput only while budget is left; the counts
   * and a note say what was cut. @defaultValue 60000
   */
  budgetMs?: number;
  /** Called with stage "start" once per candidate (absent ones too), then per measurement stage. */
  onProgress?(event: { runtime: string; stage: string }): void;
}

/** Rows `start … start+count−1` of an NHWC batch (indices wrap around, to fill a batch from few images). */
export function sliceBatch(batch: ImageBatch, start: number, count: number): ImageBatch {
  const [n, h, w, c] = batch.shape;
  const per = h * w * c;
  const data = new Float32Array(count * per);
  for (let i = 0; i < count; i++) {
    const src = (start + i) % n;
    data.set(batch.data.subarray(src * per, (src + 1) * per), i * per);
  }
  return { data, shape: [count, h, w, c] };
}

/** Images per forward call while collecting probabilities (small, so a slow runtime can stop on time). */
const PREDICT_CHUNK = 2;

interface Measured {
  result: RuntimeResult;
  probabilities?: number[];
}

async function measure(c: RuntimeCandidate, o: Required<Omit<CompareOptions, 'reference' | 'onProgress'>> & Pick<CompareOptions, 'onProgress'>): Promise<Measured> {
  const base: RuntimeResult = { id: c.id, backend: c.backend, engine: c.engine, precision: c.precision, available: false };
  o.onProgress?.({ runtime: c.id, stage: 'start' });
  if (c.absentReason) return { result: { ...base, reason: c.absentReason } };
  const n = o.images.shape[0];
  const mem = watchMemory();
  let model: LoadedModel | undefined;
  try {
    o.onProgress?.({ runtime: c.id, stage: 'cold start' });
    const t0 = now();
    model = await c.load();
    await model.forward(sliceBatch(o.images, 0, 1));
    const coldStartMs = now() - t0;
    mem.sample();

    // Everything after loading shares one time budget; a slow runtime measures what fits and says so.
    const left = (): number => o.budgetMs - (now() - t0);
    const notes: string[] = [];

    o.onProgress?.({ runtime: c.id, stage: 'predict' });
    const probabilities: number[] = [];
    for (let i = 0; i < n; i += PREDICT_CHUNK) {
      if (i > 0 && left() <= 0) {
        notes.push(`time budget spent: agreement and AUC on the first ${i} of ${n} images`);
        break;
      }
      const count = Math.min(PREDICT_CHUNK, n - i);
      // The same runtime-neutral step as predict / evaluate / cv (core predictImages).
      const part = Array.from({ length: count }, (_v, k) => ({ data: sliceBatch(o.images, i + k, 1).data }));
      for (const r of await predictImages(model, part, { batchSize: count })) probabilities.push(r.probability);
      mem.sample();
    }

    o.onProgress?.({ runtime: c.id, stage: 'latency' });
    for (let i = 0; i < o.warmupRuns && left() > 0; i++) await model.forward(sliceBatch(o.images, i, 1));
    const times: number[] = [];
    // Latency gets half of what is left (at least one run), throughput the rest.
    const latencyStart = now();
    const latencyShare = Math.max(0, left()) / 2;
    for (let i = 0; i < o.latencyRuns && (i < 1 || now() - latencyStart < latencyShare); i++) {
      const one = sliceBatch(o.images, i, 1);
      const t = now();
      await model.forward(one);
      times.push(now() - t);
      mem.sample();
    }

    o.onProgress?.({ runtime: c.id, stage: 'throughput' });
    let throughput: RuntimeResult['throughput'];
    if (left() > 0) {
      const big = sliceBatch(o.images, 0, o.throughputBatch);
      await model.forward(big);
      const t1 = now();
      let runs = 0;
      while (runs < o.throughputRuns && (runs < 1 || left() > 0)) {
        await model.forward(big);
        mem.sample();
        runs++;
      }
      throughput = { imagesPerSecond: (o.throughputBatch * runs) / ((now() - t1) / 1000), batch: o.throughputBatch, runs };
    } else notes.push(`time budget spent: throughput at batch ${o.throughputBatch} not measured`);
    // NaN (one class only) is reported as null, not as a warning on stderr.
    const auc = rocAuc(o.truth.slice(0, probabilities.length), probabilities, { onWarning: () => undefined });
    const sorted = [...times].sort((a, b) => a - b);
    return {
      probabilities,
      result: {
        ...base,
        available: true,
        reportedEngine: runtimeId(model.runtime),
        imagesCompared: probabilities.length,
        auc: Number.isFinite(auc) ? auc : null,
        latencyMs: { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), runs: times.length },
        ...(throughput ? { throughput } : {}),
        coldStartMs,
        peakRssDeltaMiB: mem.stop(),
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
        ...(model.runtime.details ? { details: model.runtime.details } : {}),
      },
    };
  } catch (e) {
    mem.stop();
    return { result: { ...base, reason: e instanceof Error ? e.message : String(e) } };
  } finally {
    await model?.dispose().catch(() => undefined);
  }
}

/**
 * Run every candidate in turn (one at a time, so timings do not compete) and compare each with the
 * reference runtime. Returns one row per candidate, in the given order.
 */
export async function compareRuntimes(candidates: RuntimeCandidate[], options: CompareOptions): Promise<{ reference: string; runtimes: RuntimeResult[] }> {
  const o = {
    latencyRuns: 20,
    warmupRuns: 2,
    throughputBatch: 16,
    throughputRuns: 3,
    budgetMs: 60_000,
    ...options,
  };
  if (o.truth.length !== o.images.shape[0]) throw new AffnetError('E_OPTION_INVALID', `compare: ${o.truth.length} labels for ${o.images.shape[0]} images`);
  // A reference that is not among the candidates is an option error before anything is measured.
  if (options.reference && !candidates.some((c) => c.id === options.reference)) {
    throw new AffnetError('E_OPTION_INVALID', `--reference ${options.reference}: not among the compared runtimes (${candidates.map((c) => c.id).join(', ')})`);
  }
  const measured: Measured[] = [];
  for (const c of candidates) measured.push(await measure(c, o));
  const refIndex = options.reference ? measured.findIndex((m) => m.result.id === options.reference) : measured.findIndex((m) => m.result.available);
  const ref = measured[refIndex];
  if (options.reference && !ref?.result.available) {
    const why = ref ? `it is absent: ${ref.result.reason}` : `it is not among ${candidates.map((c) => c.id).join(', ')}`;
    throw new AffnetError('E_BACKEND_UNAVAILABLE', `--reference ${options.reference}: cannot be used, ${why}`);
  }
  if (ref?.probabilities) {
    for (const m of measured) {
      if (!m.probabilities) continue;
      let agree = 0;
      let maxDelta = 0;
      const common = Math.min(m.probabilities.length, ref.probabilities.length);
      m.probabilities.slice(0, common).forEach((p, i) => {
        const q = ref.probabilities![i]!;
        if (p >= 0.5 === q >= 0.5) agree++;
        maxDelta = Math.max(maxDelta, Math.abs(p - q));
      });
      m.result.labelAgreement = agree / Math.max(1, common);
      m.result.maxAbsDeltaProbability = maxDelta;
    }
  }
  return { reference: ref?.result.id ?? 'none available', runtimes: measured.map((m) => m.result) };
}
