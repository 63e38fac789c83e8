/**
 * A screening worker: loads the run's bundle once, holds up to `concurrency` jobs at a time from the
 * run's BullMQ queue and feeds them through one model pipeline, so concurrent jobs share forward
 * passes of up to `batchSize` (BullMQ's open-source worker hands out jobs one by one; the
 * micro-batcher makes the batch; holding two batches' worth keeps the next one decoding while the
 * current one runs).
 * Each image gets exactly one record in the results folder (written before its job completes); a
 * bad file (a typed decode error) is an error record at once, any other failure is retried with
 * back-off and becomes an error record on the last attempt: no image is lost. A killed worker's
 * jobs come back to the queue when their lock lapses (`lockMs`) and another worker takes them.
 * `close()` stops taking jobs and finishes the ones it holds (SIGTERM).
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { AffnetError, isAffnetError, type LoadedModel } from '@affnet/core';
import { createDicomwebClient, type DicomwebClient } from '../dicomweb/client.js';
import { toWire } from '../http-errors.js';
import { ModelPipeline } from '../pipeline.js';
import { createPreparePool, type PreparePool } from '../prepare-pool.js';
import { connect, loadConfig, queueName, type ScreenConfig, type ScreenJob } from './queue.js';
import { ResultStore, type ScreenRecord } from './store.js';

export interface ScreenWorkerOptions {
  redis: string;
  run: string;
  /** Images per forward pass. @defaultValue 8 */
  batchSize?: number;
  /**
   * Jobs held at once: twice the batch by default, so the next pass's images are fetched and decoded
   * while the current pass runs. @defaultValue 2 × batchSize
   */
  concurrency?: number;
  /** Loads the run's bundle on the caller's runtime. */
  loadModel: (bundleDir: string) => Promise<LoadedModel>;
  /** A job whose worker stops renewing its lock for this long goes back to the queue. @defaultValue 30 000 */
  lockMs?: number;
  /**
   * Decode threads. 0 decodes on the worker's event loop, while ONNX Runtime's own threads run the
   * current pass: on 2 cores that was 0.3 % behind `affnet predict`, a decode thread 12–24 %
   * (bench/screen.mjs). A worker serves no interactive requests, so nothing waits on its event loop.
   * @defaultValue 0
   */
  decodeThreads?: number;
  /** Told after each image. */
  onRecord?: (r: ScreenRecord) => void;
  /** Told when the Redis connection is lost and when it is back. */
  onConnection?: (state: 'lost' | 'back', detail: string) => void;
  /** How long to wait for the run's settings to appear in Redis. @defaultValue 0 (fail at once) */
  waitForRunMs?: number;
}

export interface ScreenWorker {
  config: ScreenConfig;
  model: LoadedModel;
  /** Images this worker has written a record for. */
  readonly done: number;
  close(): Promise<void>;
}

/** Errors that no retry can fix: the bytes are what they are. */
function permanent(code: string): boolean {
  return code.startsWith('E_IMAGE_') || code.startsWith('E_DICOM_') || code === 'E_FILE_NOT_FOUND' || code === 'E_OPTION_INVALID' || code === 'E_INPUT_NOT_FINITE';
}

export async function startScreenWorker(o: ScreenWorkerOptions): Promise<ScreenWorker> {
  const redis = connect(o.redis, {}, o.onConnection);
  let config = await loadConfig(redis, o.run);
  const deadline = Date.now() + (o.waitForRunMs ?? 0);
  while (!config && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    config = await loadConfig(redis, o.run);
  }
  if (!config) {
    redis.disconnect();
    throw new AffnetError('E_OPTION_INVALID', `no screening run "${o.run}" on this Redis: start one with affnet screen --run ${o.run} …`);
  }
  const cfg = config;
  const batchSize = o.batchSize ?? 8;
  const concurrency = o.concurrency ?? 2 * batchSize;
  const model = await o.loadModel(cfg.bundle);
  const pool: PreparePool = createPreparePool(new Map([['screen', model.bundle.manifest]]), o.decodeThreads ?? 0);
  const pipeline = new ModelPipeline('screen', model, pool, { maxBatch: batchSize, maxDelayMs: 20, threshold: cfg.threshold });
  const store = new ResultStore(cfg.results);
  const dicomweb: DicomwebClient | undefined = cfg.dicomweb ? createDicomwebClient(cfg.dicomweb, process.env.AFFNET_DICOMWEB_TOKEN ? { token: process.env.AFFNET_DICOMWEB_TOKEN } : {}) : undefined;
  const me = `${hostname()}:${process.pid}`;
  let done = 0;

  const sourceOf = (j: ScreenJob): ScreenRecord['source'] => (j.path ? { path: j.path } : { study: j.study!, series: j.series!, sop: j.sop! });
  const bytesOf = async (j: ScreenJob): Promise<Uint8Array> => {
    if (j.path) {
      try {
        return new Uint8Array(await readFile(j.path));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new AffnetError(code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_IO', code === 'ENOENT' ? 'file not found' : `cannot read (${code})`, { file: j.path });
      }
    }
    if (!dicomweb) throw new AffnetError('E_OPTION_INVALID', 'a DICOMweb job in a run without a DICOMweb URL');
    return dicomweb.retrieveInstance(j.study!, j.series!, j.sop!);
  };
  const record = (r: Omit<ScreenRecord, 'worker' | 'finishedAt'>) => {
    const full: ScreenRecord = { ...r, worker: me, finishedAt: new Date().toISOString() };
    store.write(full);
    done++;
    o.onRecord?.(full);
  };

  const processor = async (job: Job<ScreenJob>): Promise<void> => {
    const j = job.data;
    // already written (a retry after the record, a job added again): exactly one record per image
    if (store.has(j.id)) return;
    const attempts = job.attemptsMade + 1;
    const last = attempts >= (job.opts.attempts ?? 1);
    try {
      const bytes = await bytesOf(j);
      const r = await pipeline.predict({ bytes, source: `image ${j.id.slice(0, 12)}`, cam: 'png', camMaxSide: 192, camWhen: (p) => p >= cfg.camAbove });
      const cam = r.cam ? store.writeCam(j.id, r.cam.bytes) : undefined;
      record({
        id: j.id,
        source: sourceOf(j),
        status: 'classified',
        label: r.label,
        probability: r.probability,
        positiveLabel: r.positiveLabel,
        runtime: r.runtime,
        ...(cam ? { cam } : {}),
        ...(r.warnings?.length ? { warnings: r.warnings } : {}),
        attempts,
        timings: { ...r.timings },
      });
    } catch (e) {
      const w = toWire(e);
      const code = isAffnetError(e) ? e.code : w.code;
      if (permanent(code) || last) {
        record({ id: j.id, source: sourceOf(j), status: 'failed', error: { code, message: isAffnetError(e) ? e.message : w.message }, attempts });
        throw new UnrecoverableError(`${code}: recorded`);
      }
      throw e; // retried with back-off
    }
  };

  const worker = new Worker<ScreenJob>(queueName(cfg.run), processor, {
    connection: redis,
    concurrency,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: Math.max(1000, Math.floor((o.lockMs ?? 30_000) / 2)),
    maxStalledCount: 5,
    autorun: true,
  });
  worker.on('error', () => {
    // connection errors while Redis is away: ioredis reconnects; BullMQ resumes by itself
  });
  await worker.waitUntilReady();
  return {
    config: cfg,
    model,
    get done() {
      return done;
    },
    async close() {
      await worker.close(); // waits for the jobs it holds
      await pipeline.batcher.idle();
      await pool.close();
      await model.dispose();
      redis.disconnect();
    },
  };
}
