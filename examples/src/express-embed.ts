/**
 * An existing express application that embeds affnet's core pieces in its own route instead of
 * mounting the service: `POST /triage` takes an uploaded radiograph and answers the host's own
 * format (flag for review or not). The pieces are the ones the service uses: a decode pool
 * (worker threads: core readRadiograph → the bundle's pathway) and a model pipeline (micro-batched
 * forward passes, core's runtime-neutral predictImages), so concurrent uploads share passes.
 * Typed errors become 422 with their code; the host's log gets codes only, never patient data.
 */
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { LoadedModel, ModelBundle } from '@affnet/core';
import { createPreparePool, ModelPipeline, toWire, type PreparePool } from '@affnet/serve';
import { loadModel } from './load-model.js';

export interface TriageOptions {
  bundle: string | ModelBundle;
  runtime?: string;
  /** Flag for review at or above this probability. @defaultValue 0.5 */
  reviewAt?: number;
  /** @defaultValue 32 MiB */
  maxBytes?: number;
  log?: (line: string) => void;
}

export interface TriageApp {
  app: express.Express;
  pipeline: ModelPipeline;
  listen(port?: number): Promise<{ url: string; server: Server }>;
  close(): Promise<void>;
}

export async function createTriageApp(options: TriageOptions): Promise<TriageApp> {
  const model: LoadedModel = await loadModel(options.bundle, options.runtime ?? 'auto');
  const pool: PreparePool = createPreparePool(new Map([['femur', model.bundle.manifest]]), 1);
  const pipeline = new ModelPipeline('femur', model, pool, { maxBatch: 8, maxDelayMs: 5 });
  await pipeline.warm();
  const reviewAt = options.reviewAt ?? 0.5;
  const log = options.log ?? (() => {});

  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/triage', express.raw({ type: () => true, limit: options.maxBytes ?? 32 * 2 ** 20 }), async (req: Request, res: Response, next: NextFunction) => {
    try {
      const body = req.body as Buffer;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        res.status(400).json({ error: 'send the radiograph file as the request body' });
        return;
      }
      const r = await pipeline.predict({ bytes: body, source: 'upload' });
      log(`triage ok ${r.timings.totalMs} ms`);
      res.json({ review: r.probability >= reviewAt, probability: r.probability, label: r.label, model: `${model.bundle.manifest.architecture} on ${r.runtime}` });
    } catch (e) {
      next(e);
    }
  });
  app.use((e: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const w = toWire(e);
    log(`triage failed ${w.code}`);
    // the service's one mapping of codes to statuses (decode errors 422, too large 413, …)
    res.status(w.status).json({ error: w.code, message: w.message });
  });
  let server: Server | undefined;
  return {
    app,
    pipeline,
    listen(port = 0) {
      return new Promise((resolve) => {
        const s = app.listen(port, '127.0.0.1', () => {
          server = s;
          resolve({ url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, server: s });
        });
      });
    },
    async close() {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await pipeline.batcher.idle();
      await pool.close();
      await model.dispose();
    },
  };
}
