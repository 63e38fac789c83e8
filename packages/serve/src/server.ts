/**
 * `createServer`: affnet's models behind HTTP (fastify), the server `affnet serve` runs and that
 * another service can mount or embed.
 *
 *   POST /v1/predict[?model=NAME][&cam=png][&clicks=fx,fy,ax,ay]
 *        body: one DICOM / PNG / JPEG / TIFF file (any content type; the bytes are sniffed), or
 *        multipart/form-data with several files and an optional `clicks` field (JSON: file name →
 *        {fx, fy, ax, ay}, or an array in file order) → JSON per image
 *   GET  /v1/models     the models served, with their runtime
 *   GET  /health        alive;  GET /ready: every model loaded and warm, not draining;  GET /metrics
 *
 * Concurrent requests share forward passes (see batcher.ts); decoding runs on worker threads. At
 * most `maxConcurrency` requests are processed at once, `maxQueue` more wait; beyond that the answer
 * is 503 with Retry-After. With a token, every route but /health and /ready needs
 * `Authorization: Bearer TOKEN`; listening beyond loopback without one is refused.
 */
import { timingSafeEqual } from 'node:crypto';
import net, { type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { AffnetError, checkBundleForPrediction, type BundleManifest, type ClickPoints, type LoadedModel } from '@affnet/core';
import { ServeError, toWire } from './http-errors.js';
import { ServeMetrics } from './metrics.js';
import { ModelPipeline, type ImageResult } from './pipeline.js';
import { createPreparePool, type PreparePool } from './prepare-pool.js';

export interface ServedModel {
  /** The name requests use (`?model=NAME`). */
  name: string;
  model: LoadedModel;
}

export interface ServerOptions {
  /** The models; the first is the default. Each is used as loaded (its runtime is the caller's choice). */
  models: readonly ServedModel[];
  /** Images per forward pass. @defaultValue 16 */
  maxBatch?: number;
  /** How long an image waits for others when the model is idle. @defaultValue 5 */
  maxDelayMs?: number;
  /** Requests processed at once. @defaultValue 64 */
  maxConcurrency?: number;
  /** Requests waiting for a slot before 503. @defaultValue 256 */
  maxQueue?: number;
  /** Largest request body. @defaultValue 128 MiB */
  maxBodyBytes?: number;
  /** Files per multipart request. @defaultValue 32 */
  maxFiles?: number;
  /** Pixels per image (checked on the header, before decoding). @defaultValue 60 000 000 */
  maxPixels?: number;
  /** From admission to answer; then 504. @defaultValue 60 000 */
  requestTimeoutMs?: number;
  /** Decode threads. @defaultValue max(1, cores − 1); 0 decodes on the event loop */
  decodeThreads?: number;
  /** Required as `Authorization: Bearer …` on every route but /health and /ready. */
  token?: string;
  /** Decision threshold on the positive probability. @defaultValue 0.5 */
  threshold?: number;
  /** One JSON object per request (route, status, error code, ms): never request content or patient data. */
  log?: (entry: Record<string, unknown>) => void;
  /**
   * On close, how long the server keeps its connections open while refusing new work (503 with
   * Connection: close) before it stops listening, so that a request already on the wire on a
   * keep-alive connection is answered rather than reset. @defaultValue 1000
   */
  drainGraceMs?: number;
  /** Extra routes (the DICOMweb ones), registered after the built-in ones. */
  plugins?: ((app: FastifyInstance, affnet: Affnet) => void | Promise<void>)[];
}

export interface AffnetServer extends Affnet {
  readonly app: FastifyInstance;
  /** Listen (warms first). Refuses a non-loopback host without a token. @returns the URL */
  listen(port?: number, host?: string): Promise<string>;
  /** Requests the server has read (their headers), and requests it has answered. */
  counts(): { received: number; answered: number };
  /** Refuse new work, answer every accepted request, stop listening, release the decode threads (models stay loaded: their owner disposes them). */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether `host` is a loopback address (a token is needed for anything else). */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** "fx,fy,ax,ay" → clicks. @throws AffnetError E_OPTION_INVALID */
export function parseClicks(value: unknown, where: string): ClickPoints {
  const nums = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',').map((v) => Number(v.trim()))
      : typeof value === 'object' && value
        ? ['fx', 'fy', 'ax', 'ay'].map((k) => (value as Record<string, unknown>)[k])
        : [];
  if (nums.length !== 4 || !nums.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new AffnetError('E_OPTION_INVALID', `${where}: clicks are four finite numbers fx,fy,ax,ay (fracture point, then a point on the shaft axis, in image pixels)`);
  }
  const [fx, fy, ax, ay] = nums as number[];
  return { fracture: { x: fx!, y: fy! }, axis: { x: ax!, y: ay! } };
}

function checkToken(expected: string, header: string | undefined): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A request's answer: the JSON of one image, as the API returns it (the CAM PNG as base64). */
export function imageJson(r: ImageResult): Record<string, unknown> {
  const { cam, ...rest } = r;
  return cam
    ? { ...rest, cam: { contentType: cam.format === 'png' ? 'image/png' : 'application/octet-stream', width: cam.width, height: cam.height, base64: Buffer.from(cam.bytes).toString('base64') } }
    : rest;
}

interface Slot {
  release(): void;
}

/** Admission control: at most `limit` at once, `queue` more waiting; beyond, 503 E_BUSY. */
class Slots {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(
    private readonly limit: number,
    private readonly queue: number,
    private readonly metrics: ServeMetrics,
  ) {}
  get waiting(): number {
    return this.waiters.length;
  }
  get inFlight(): number {
    return this.active;
  }
  async acquire(): Promise<Slot> {
    if (this.active >= this.limit) {
      if (this.waiters.length >= this.queue)
        throw new ServeError('E_BUSY', `the server is at capacity (${this.limit} requests processing, ${this.queue} waiting); retry later`, 503, { 'retry-after': '1' });
      await new Promise<void>((r) => this.waiters.push(r));
      this.metrics.waiting.set(this.waiters.length);
    } else this.active++;
    this.metrics.inFlight.set(this.active);
    let done = false;
    return {
      release: () => {
        if (done) return;
        done = true;
        const next = this.waiters.shift();
        if (next) next();
        else this.active--;
        this.metrics.inFlight.set(this.active);
        this.metrics.waiting.set(this.waiters.length);
      },
    };
  }
}

function positive(name: string, v: number | undefined, fallback: number, min = 1): number {
  const x = v ?? fallback;
  if (!Number.isFinite(x) || x < min) throw new AffnetError('E_OPTION_INVALID', `${name}: ${x}; valid: a number ≥ ${min}`);
  return x;
}

/** The models, their pipelines and the admission control, without HTTP: what {@link affnetPlugin} serves. */
export interface Affnet {
  readonly metrics: ServeMetrics;
  readonly pipelines: ReadonlyMap<string, ModelPipeline>;
  /** The pipeline for `?model=` (the first model when absent). @throws ServeError E_NOT_FOUND */
  pipeline(name?: string): ModelPipeline;
  /** Run `work` as one admitted request: a processing slot (or 503 when the queue is full), the request timeout (504); 503 once draining. */
  admitted<T>(work: () => Promise<T>): Promise<T>;
  /** Warm every model (one pass at batch 1 and one at the largest batch). */
  warm(): Promise<void>;
  readonly warmed: boolean;
  readonly draining: boolean;
  /** Warm and not draining. */
  readonly ready: boolean;
  /** Images waiting for a decode thread. */
  decodeQueue(): number;
  /** Refuse new work from now on (accepted work goes on). */
  drain(): void;
  /** Drain, wait for the accepted work, release the decode threads (the models stay loaded: their owner disposes them). */
  close(): Promise<void>;
}

/** The models with their pipelines, one decode pool and the admission control (see {@link ServerOptions}). */
export async function createAffnet(options: ServerOptions): Promise<Affnet> {
  if (options.models.length === 0) throw new AffnetError('E_OPTION_INVALID', 'createServer: no models given');
  const names = new Set<string>();
  for (const m of options.models) {
    if (!/^[A-Za-z0-9._-]+$/.test(m.name)) throw new AffnetError('E_OPTION_INVALID', `model name "${m.name}": use letters, digits, ".", "_" and "-"`);
    if (names.has(m.name)) throw new AffnetError('E_OPTION_INVALID', `model name "${m.name}" is given twice`);
    names.add(m.name);
    if (m.model.bundle.manifest.preprocessing.pathway === 'auto') checkBundleForPrediction(m.model.bundle.manifest, m.model.bundle.path);
  }
  const timeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs, 60_000);
  const maxPixels = positive('maxPixels', options.maxPixels, 60_000_000);
  const threads = options.decodeThreads ?? Math.max(1, availableParallelism() - 1);
  const metrics = new ServeMetrics();
  const slots = new Slots(positive('maxConcurrency', options.maxConcurrency, 64), positive('maxQueue', options.maxQueue, 256, 0), metrics);
  const manifests = new Map<string, BundleManifest>(options.models.map((m) => [m.name, m.model.bundle.manifest]));
  const pool: PreparePool = createPreparePool(manifests, threads);
  const pipelines = new Map<string, ModelPipeline>();
  for (const m of options.models) {
    const p = new ModelPipeline(m.name, m.model, pool, {
      ...(options.maxBatch !== undefined ? { maxBatch: options.maxBatch } : {}),
      ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      maxPixels,
      metrics,
    });
    pipelines.set(m.name, p);
    const rt = m.model.runtime;
    metrics.modelInfo.set(
      { model: m.name, architecture: m.model.bundle.manifest.architecture, pathway: m.model.bundle.manifest.preprocessing.pathway, backend: rt.backend, engine: rt.engine, precision: rt.precision },
      1,
    );
  }
  let warmed = false;
  let draining = false;
  let closing: Promise<void> | undefined;
  const setReady = () => metrics.ready.set(warmed && !draining ? 1 : 0);
  setReady();
  const affnet: Affnet = {
    metrics,
    pipelines,
    pipeline(name) {
      const p = pipelines.get(name ?? options.models[0]!.name);
      if (!p) throw new ServeError('E_NOT_FOUND', `no model named "${name}"; served: ${[...pipelines.keys()].join(', ')}`, 404);
      return p;
    },
    async admitted<T>(work: () => Promise<T>): Promise<T> {
      if (draining) throw new ServeError('E_DRAINING', 'the server is shutting down', 503, { 'retry-after': '1' });
      const slot = await slots.acquire();
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          work(),
          new Promise<never>((_r, reject) => {
            timer = setTimeout(() => reject(new ServeError('E_TIMEOUT', `the request took longer than ${timeoutMs} ms`, 504)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        slot.release();
      }
    },
    async warm() {
      for (const p of pipelines.values()) await p.warm();
      warmed = true;
      setReady();
    },
    get warmed() {
      return warmed;
    },
    get draining() {
      return draining;
    },
    get ready() {
      return warmed && !draining;
    },
    decodeQueue: () => pool.queued,
    drain() {
      draining = true;
      setReady();
    },
    close() {
      affnet.drain();
      closing ??= (async () => {
        while (slots.inFlight > 0 || slots.waiting > 0) await new Promise((r) => setTimeout(r, 20));
        for (const p of pipelines.values()) await p.batcher.idle();
        await pool.close();
      })();
      return closing;
    },
  };
  return affnet;
}

/**
 * The HTTP routes of `affnet` as a fastify plugin (encapsulated: its body parsers, hooks, token
 * check and error handler apply to its own routes only), to mount into an existing fastify app,
 * e.g. `app.register(affnetPlugin(affnet, { token }), { prefix: '/affnet' })`.
 */
export function affnetPlugin(affnet: Affnet, options: Pick<ServerOptions, 'token' | 'log' | 'maxBodyBytes' | 'maxFiles' | 'plugins'> = {}): FastifyPluginAsync {
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, 128 * 2 ** 20);
  const maxFiles = positive('maxFiles', options.maxFiles, 32);
  const log = options.log ?? (() => {});
  return async (app) => {
    // Any body but multipart is taken as the bytes of one image (the format is sniffed, not trusted from the content type).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
    await app.register(multipart, { limits: { fileSize: maxBodyBytes, files: maxFiles, fields: 16, fieldSize: 1 << 20, parts: maxFiles + 16 } });
    app.addHook('onRequest', async (req, reply) => {
      (req as { started?: number }).started = performance.now();
      if (options.token && !(req.routeOptions.config as { open?: boolean } | undefined)?.open && !checkToken(options.token, req.headers.authorization)) {
        reply.header('www-authenticate', 'Bearer');
        throw new ServeError('E_UNAUTHORIZED', 'this server needs Authorization: Bearer TOKEN', 401);
      }
    });
    // While draining, each answer closes its connection, so keep-alive clients let the server finish.
    app.addHook('onSend', async (_req, reply) => {
      if (affnet.draining) reply.header('connection', 'close');
    });
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      affnet.metrics.requests.inc({ route, status: String(reply.statusCode) });
      const ms = performance.now() - ((req as { started?: number }).started ?? performance.now());
      log({
        route,
        method: req.method,
        status: reply.statusCode,
        ms: Math.round(ms * 10) / 10,
        ...((reply as { errorCode?: string }).errorCode ? { code: (reply as { errorCode?: string }).errorCode } : {}),
      });
    });
    const sendError = (reply: FastifyReply, e: unknown) => {
      const w = toWire(e);
      affnet.metrics.errors.inc({ code: w.code });
      (reply as { errorCode?: string }).errorCode = w.code;
      for (const [k, v] of Object.entries(w.headers)) reply.header(k, v);
      return reply.code(w.status).type('application/json').send({ error: w.code, message: w.message });
    };
    app.setErrorHandler((e, _req, reply) => sendError(reply, e));
    app.setNotFoundHandler((req, reply) =>
      sendError(reply, new ServeError('E_NOT_FOUND', `${req.method} ${req.url.split('?')[0]}: no such route; see GET /v1/models, POST /v1/predict, /health, /ready, /metrics`, 404)),
    );

    app.get('/health', { config: { open: true } }, async () => ({ status: 'ok' }));
    app.get('/ready', { config: { open: true } }, async (_req, reply) => {
      const body = { ready: affnet.ready, ...(affnet.draining ? { reason: 'draining' } : affnet.warmed ? {} : { reason: 'warming up' }), models: [...affnet.pipelines.keys()] };
      return reply.code(affnet.ready ? 200 : 503).send(body);
    });
    app.get('/metrics', async (_req, reply) => {
      affnet.metrics.decodeQueue.set(affnet.decodeQueue());
      for (const p of affnet.pipelines.values()) affnet.metrics.queueDepth.set({ model: p.name }, p.batcher.depth);
      return reply.type(affnet.metrics.contentType).send(await affnet.metrics.text());
    });
    app.get('/v1/models', async () => ({
      models: [...affnet.pipelines.values()].map((p) => {
        const m = p.model.bundle.manifest;
        return {
          name: p.name,
          architecture: m.architecture,
          inputSize: m.inputSize,
          labels: m.labels,
          positiveLabel: m.positiveLabel,
          pathway: m.preprocessing.pathway,
          aligner: Boolean(m.aligner),
          runtime: p.runtime,
          maxBatch: p.batcher.maxBatch,
        };
      }),
    }));

    app.post('/v1/predict', async (req: FastifyRequest, reply) => {
      const q = req.query as Record<string, string | undefined>;
      const pipeline = affnet.pipeline(q.model);
      if (q.cam !== undefined && q.cam !== 'png') throw new AffnetError('E_OPTION_INVALID', `cam=${q.cam}: valid: png`);
      const cam = q.cam === 'png' ? ('png' as const) : undefined;
      if (req.isMultipart()) {
        const files: { name: string; bytes: Uint8Array }[] = [];
        let clicksField: unknown;
        for await (const part of req.parts()) {
          if (part.type === 'file') files.push({ name: part.filename || `file ${files.length + 1}`, bytes: await part.toBuffer() });
          else if (part.fieldname === 'clicks') {
            try {
              clicksField = JSON.parse(String(part.value));
            } catch {
              throw new AffnetError('E_OPTION_INVALID', 'the clicks field is not JSON (file name → {fx, fy, ax, ay}, or an array in file order)');
            }
          }
        }
        if (files.length === 0) throw new ServeError('E_BAD_REQUEST', 'the multipart body has no file', 400);
        const clicksFor = (i: number, name: string): ClickPoints | undefined => {
          const c = Array.isArray(clicksField) ? clicksField[i] : clicksField && typeof clicksField === 'object' ? (clicksField as Record<string, unknown>)[name] : undefined;
          return c === undefined || c === null ? undefined : parseClicks(c, `clicks for "${name}"`);
        };
        const results = await affnet.admitted(() =>
          Promise.all(
            files.map(async (f, i) => {
              try {
                return { name: f.name, ...imageJson(await pipeline.predict({ bytes: f.bytes, source: f.name, ...(cam ? { cam } : {}), ...optional('clicks', clicksFor(i, f.name)) })) };
              } catch (e) {
                const w = toWire(e);
                if (w.code === 'E_TIMEOUT' || w.status >= 500) throw e;
                affnet.metrics.errors.inc({ code: w.code });
                return { name: f.name, error: w.code, message: w.message };
              }
            }),
          ),
        );
        return reply.send({ model: pipeline.name, images: results.length, failed: results.filter((r) => 'error' in r).length, results });
      }
      const body = req.body;
      if (!(body instanceof Buffer) || body.length === 0) throw new ServeError('E_BAD_REQUEST', 'the request body is empty: send the image file as the body, or multipart/form-data', 400);
      const clicks = q.clicks !== undefined ? parseClicks(q.clicks, 'clicks') : undefined;
      const result = await affnet.admitted(() => pipeline.predict({ bytes: body, source: 'request body', ...(cam ? { cam } : {}), ...optional('clicks', clicks) }));
      return reply.send(imageJson(result));
    });

    for (const plugin of options.plugins ?? []) await plugin(app, affnet);
  };
}

export async function createServer(options: ServerOptions): Promise<AffnetServer> {
  const affnet = await createAffnet(options);
  const drainGrace = positive('drainGraceMs', options.drainGraceMs, 1000, 0);
  const app = Fastify({ logger: false, return503OnClosing: true, forceCloseConnections: 'idle' });
  await app.register(affnetPlugin(affnet, options));
  // Counted on the HTTP server itself, so that answers fastify gives before any hook (503 while closing) count too.
  let received = 0;
  let answered = 0;
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.server.on('request', (_req, res) => {
    received++;
    res.once('finish', () => answered++);
  });
  let closing: Promise<void> | undefined;
  const server: AffnetServer = {
    ...affnet,
    get ready() {
      return affnet.ready;
    },
    get warmed() {
      return affnet.warmed;
    },
    get draining() {
      return affnet.draining;
    },
    app,
    counts: () => ({ received, answered }),
    async listen(port = 8080, host = '127.0.0.1') {
      if (!isLoopback(host) && !options.token) {
        throw new AffnetError('E_OPTION_INVALID', `listening on ${host} (beyond this machine) needs a token`, { hint: { api: 'pass token', cli: 'give --token or set AFFNET_TOKEN' } });
      }
      if (!affnet.warmed) await affnet.warm();
      return app.listen({ port, host });
    },
    close() {
      affnet.drain();
      closing ??= (async () => {
        if (app.server.listening) {
          // accepted requests go on; new ones get 503 + Connection: close during the grace period
          await new Promise((r) => setTimeout(r, drainGrace));
          // Stop listening without dropping connections that are open but whose request is not read
          // yet (http.Server.close would): each is answered and closed; idle ones go after a while.
          await new Promise<void>((resolve) => {
            net.Server.prototype.close.call(app.server, () => resolve());
            const idle = setTimeout(
              () => {
                for (const s of sockets) s.destroy();
              },
              Math.max(2000, drainGrace),
            );
            idle.unref();
          });
        }
        await app.close();
        await affnet.close();
      })();
      return closing;
    },
  };
  return server;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
