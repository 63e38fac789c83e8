/**
 * Runtime comparison: one trained bundle on every runtime the caller offers (tfjs wasm / cpu /
 * webgpu / node, ONNX Runtime providers × fp32 / fp16 / int8, transformers.js …). For each:
 * - accuracy: label agreement, max and mean |Δ probability| against a reference runtime, AUC with a
 *   bootstrap CI on the labelled images, CAM correlation with the reference (runtimes with the
 *   feature map), all through core's runtime-neutral `predictImages`;
 * - speed: a sweep over batch sizes (and requests in flight, where the runtime runs calls
 *   concurrently); per point p50 / p90 / p95 / p99, mean, SD and images/s over measurement windows
 *   repeated until the p95 settles (stats.ts); warm-up excluded, cold start (load + first call) apart;
 * - peak memory.
 * A time budget per runtime is spent wisely: a runtime slower than `slowMsPerImage` at batch 1 is
 * measured on a few images at batch 1 only (unless `fullSweep`). A runtime that is absent, or fails,
 * is listed with the reason and the run goes on.
 */
import { AffnetError, bootstrapCi, predictImages, rocAuc, runtimeId, type ImageBatch, type LoadedModel, type MapBatch } from '@affnet/core';
import type { RuntimeResult } from '../results/comparison.js';
import { now, watchMemory } from './measure.js';
import { latencyStats, measureUntilStable, type SweepPoint } from './stats.js';

export interface RuntimeCandidate {
  id: string;
  backend: string;
  engine: string;
  precision: 'fp32' | 'fp16' | 'int8';
  /** Set when the runtime is known to be absent before trying (e.g. the backend's `engines()` said so). */
  absentReason?: string;
  /** The runtime runs several calls on one loaded model at once (core capabilities.concurrent). */
  concurrent?: boolean;
  /** The runtime returns the feature map (CAMs can be compared). */
  features?: boolean;
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
  /** Batch sizes swept. Larger ones stop at the first that fails (memory). @defaultValue [1, 2, 4, 8, 16, 32] */
  batchSizes?: readonly number[];
  /** Requests in flight at batch 1, on runtimes that run calls concurrently. @defaultValue [1, 2, 4] */
  concurrency?: readonly number[];
  /** Timed calls per measurement window. @defaultValue 10 */
  windowRuns?: number;
  /** Windows at the most per point (stops earlier once the p95 changes by < 5 %). @defaultValue 5 */
  maxWindows?: number;
  /** Untimed calls before timing each point. @defaultValue 2 */
  warmupRuns?: number;
  /**
   * Time budget per runtime from loading on, milliseconds: points that do not fit are listed as not
   * measured. @defaultValue 60000
   */
  budgetMs?: number;
  /** Batch-1 latency above which a runtime counts as slow (few images, batch 1 only). @defaultValue 2000 */
  slowMsPerImage?: number;
  /** Images a slow runtime is compared on. @defaultValue 4 */
  slowImages?: number;
  /** Sweep slow runtimes too. @defaultValue false */
  fullSweep?: boolean;
  /** Compare CAMs with the reference on up to this many images (0: none). @defaultValue 8 */
  camImages?: number;
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

/** Pearson correlation of two equally long maps (NaN when either is constant). */
export function pearson(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i]!), (mb += b[i]!);
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

/** Images per forward call while collecting probabilities (small, so a slow runtime can stop on time). */
const PREDICT_CHUNK = 2;

interface Measured {
  result: RuntimeResult;
  probabilities?: number[];
  cams?: MapBatch[];
}

type Resolved = Required<Omit<CompareOptions, 'reference' | 'onProgress'>> & Pick<CompareOptions, 'onProgress'>;

const DEFAULTS = {
  batchSizes: [1, 2, 4, 8, 16, 32],
  concurrency: [1, 2, 4],
  windowRuns: 10,
  maxWindows: 5,
  warmupRuns: 2,
  budgetMs: 60_000,
  slowMsPerImage: 2000,
  slowImages: 4,
  fullSweep: false,
  camImages: 8,
} as const;

/** One point of the sweep: `concurrency` workers calling forward on batches of `batch` until the window settles. */
async function measurePoint(model: LoadedModel, c: RuntimeCandidate, o: Resolved, batch: number, concurrency: number, deadlineMs: number): Promise<SweepPoint> {
  const input = sliceBatch(o.images, 0, batch);
  for (let i = 0; i < o.warmupRuns; i++) await model.forward(input);
  // One timed run of the stability rule: `concurrency` calls started together; its latency is the
  // slowest call's, which is also the run's wall time.
  const run = async (): Promise<number> => {
    const times = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const s = now();
        await model.forward(input);
        return now() - s;
      }),
    );
    return Math.max(...times);
  };
  const m = await measureUntilStable(run, { windowRuns: o.windowRuns, maxWindows: o.maxWindows, deadlineMs });
  // Throughput over the last window: its images over the sum of its runs' wall times.
  const seconds = m.samples.reduce((a, b) => a + b, 0) / 1000;
  return {
    runtime: c.id,
    batch,
    concurrency,
    latencyMs: latencyStats(m.samples),
    imagesPerSecond: (batch * concurrency * m.samples.length) / Math.max(seconds, 1e-9),
    windows: m.windows,
    stable: m.stable,
  };
}

async function measure(c: RuntimeCandidate, o: Resolved): Promise<Measured> {
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
    const left = (): number => o.budgetMs - (now() - t0);
    const notes: string[] = [];

    // How slow is it? One timed call at batch 1 after the cold start (its probability counts).
    const single = (i: number) => [{ data: sliceBatch(o.images, i, 1).data }];
    const probe0 = now();
    const first = (await predictImages(model, single(0), { batchSize: 1 }))[0]!.probability;
    const probeMs = now() - probe0;
    const slow = probeMs > o.slowMsPerImage && !o.fullSweep;
    if (slow)
      notes.push(
        `slow (${probeMs.toFixed(0)} ms per image at batch 1 > ${o.slowMsPerImage} ms): compared on up to ${Math.min(n, o.slowImages)} images at batch 1 only, as the budget allows (fullSweep measures all)`,
      );

    o.onProgress?.({ runtime: c.id, stage: 'predict' });
    const probabilities: number[] = [first];
    const count = slow ? Math.min(n, o.slowImages) : n;
    for (let i = 1; i < count; i += PREDICT_CHUNK) {
      if (left() <= 0) {
        notes.push(`time budget spent: agreement and AUC on the first ${i} of ${n} images`);
        break;
      }
      const k = Math.min(PREDICT_CHUNK, count - i);
      const part = Array.from({ length: k }, (_v, j) => ({ data: sliceBatch(o.images, i + j, 1).data }));
      for (const r of await predictImages(model, part, { batchSize: k })) probabilities.push(r.probability);
      mem.sample();
    }
    let cams: MapBatch[] | undefined;
    if (c.features && o.camImages > 0 && left() > 0) {
      const k = Math.min(o.camImages, probabilities.length);
      const part = Array.from({ length: k }, (_v, j) => ({ data: sliceBatch(o.images, j, 1).data }));
      cams = (await predictImages(model, part, { cam: true, batchSize: PREDICT_CHUNK })).map((r) => r.cam!);
    }

    o.onProgress?.({ runtime: c.id, stage: 'sweep' });
    const points: SweepPoint[] = [];
    const skipped: string[] = [];
    // A slow runtime: the probe is its one latency sample (timing more says nothing new).
    if (slow) points.push({ runtime: c.id, batch: 1, concurrency: 1, latencyMs: latencyStats([probeMs]), imagesPerSecond: 1000 / probeMs, windows: 1, stable: false });
    const batches = slow ? [] : o.batchSizes;
    for (const b of batches) {
      if (points.length > 0 && left() <= 0) {
        skipped.push(`batch ${b}`);
        continue;
      }
      try {
        points.push(await measurePoint(model, c, o, b, 1, Math.max(0, left() / 2)));
      } catch (e) {
        // Typically memory: larger batches would fail too.
        notes.push(`batch ${b} failed (${e instanceof Error ? e.message : String(e)}); larger batches not tried`);
        break;
      } finally {
        mem.sample();
      }
    }
    if (c.concurrent && !slow) {
      for (const k of o.concurrency.filter((x) => x > 1)) {
        if (left() <= 0) {
          skipped.push(`batch 1 × ${k} in flight`);
          continue;
        }
        points.push(await measurePoint(model, c, o, 1, k, Math.max(0, left() / 2)));
        mem.sample();
      }
    }
    if (skipped.length > 0) notes.push(`time budget spent: not measured: ${skipped.join(', ')}`);
    if (!slow && points.some((p) => !p.stable))
      notes.push(
        `p95 did not settle within ${o.maxWindows} windows (or the budget) at: ${points
          .filter((p) => !p.stable)
          .map((p) => `batch ${p.batch}${p.concurrency > 1 ? ` × ${p.concurrency}` : ''}`)
          .join(', ')}`,
      );

    // NaN (one class only) is reported as null, not as a warning on stderr.
    const truth = o.truth.slice(0, probabilities.length);
    const auc = rocAuc(truth, probabilities, { onWarning: () => undefined });
    let aucCi: RuntimeResult['aucCi'];
    if (Number.isFinite(auc)) {
      const ci = bootstrapCi(truth, probabilities, (t, s) => rocAuc(t, s, { onWarning: () => undefined }), { samples: 500, seed: 1, onWarning: () => undefined });
      if (Number.isFinite(ci.lower) && Number.isFinite(ci.upper)) aucCi = { lower: ci.lower, upper: ci.upper, confidence: ci.confidence };
    }
    const one = points.find((p) => p.batch === 1 && p.concurrency === 1);
    const best = [...points].sort((a, b) => b.imagesPerSecond - a.imagesPerSecond)[0];
    return {
      probabilities,
      ...(cams ? { cams } : {}),
      result: {
        ...base,
        available: true,
        reportedEngine: runtimeId(model.runtime),
        imagesCompared: probabilities.length,
        auc: Number.isFinite(auc) ? auc : null,
        ...(aucCi ? { aucCi } : {}),
        ...(one ? { latencyMs: { p50: one.latencyMs.p50, p95: one.latencyMs.p95, runs: one.latencyMs.runs } } : {}),
        ...(best ? { throughput: { imagesPerSecond: best.imagesPerSecond, batch: best.batch, runs: best.latencyMs.runs } } : {}),
        points,
        ...(slow ? { slow: true } : {}),
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
  const o: Resolved = { ...DEFAULTS, ...options } as Resolved;
  if (o.truth.length !== o.images.shape[0]) throw new AffnetError('E_OPTION_INVALID', `compare: ${o.truth.length} labels for ${o.images.shape[0]} images`);
  for (const b of o.batchSizes) if (!Number.isInteger(b) || b < 1) throw new AffnetError('E_OPTION_INVALID', `compare: batch sizes must be whole numbers ≥ 1, got ${b}`);
  // A reference that is not among the candidates is an option error before anything is measured.
  if (options.reference && !candidates.some((c) => c.id === options.reference)) {
    throw new AffnetError('E_OPTION_INVALID', `--reference ${options.reference}: not among the compared runtimes (${candidates.map((c) => c.id).join(', ')})`);
  }
  const measured: Measured[] = [];
  for (const c of candidates) measured.push(await measure(c, o));
  const refIndex = options.reference ? measured.findIndex((m) => m.result.id === options.reference) : measured.findIndex((m) => m.result.available);
  const ref = measured[refIndex];
  if (options.reference && (!ref || !ref.result.available)) {
    const why = ref ? `it is absent: ${ref.result.reason}` : `it is not among ${candidates.map((c) => c.id).join(', ')}`;
    throw new AffnetError('E_BACKEND_UNAVAILABLE', `--reference ${options.reference}: cannot be used, ${why}`);
  }
  if (ref?.probabilities) {
    for (const m of measured) {
      if (!m.probabilities) continue;
      let agree = 0;
      let maxDelta = 0;
      let sumDelta = 0;
      const common = Math.min(m.probabilities.length, ref.probabilities.length);
      m.probabilities.slice(0, common).forEach((p, i) => {
        const q = ref.probabilities![i]!;
        if (p >= 0.5 === q >= 0.5) agree++;
        const d = Math.abs(p - q);
        maxDelta = Math.max(maxDelta, d);
        sumDelta += d;
      });
      m.result.labelAgreement = agree / Math.max(1, common);
      m.result.maxAbsDeltaProbability = maxDelta;
      m.result.meanAbsDeltaProbability = sumDelta / Math.max(1, common);
      if (m.cams && ref.cams) {
        const k = Math.min(m.cams.length, ref.cams.length);
        const rs = Array.from({ length: k }, (_v, i) => pearson(m.cams![i]!.data, ref.cams![i]!.data)).filter(Number.isFinite);
        if (rs.length > 0) m.result.camCorrelation = rs.reduce((a, b) => a + b, 0) / rs.length;
      }
    }
  }
  return { reference: ref?.result.id ?? 'none available', runtimes: measured.map((m) => m.result) };
}
