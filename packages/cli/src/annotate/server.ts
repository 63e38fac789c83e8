/**
 * The local web server of `affnet annotate`: 127.0.0.1 only, a per-run token on every request (so
 * another local user's browser cannot read images or write clicks), and a Host check (so a page
 * elsewhere cannot reach it through DNS rebinding). Images go through core's grey pipeline
 * (`readRadiograph`: DICOM with its window, PNG/JPEG/TIFF) and the crop preview through core's
 * `preprocess`, the very code the intervention pathway runs: nothing is re-implemented in the page.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AffnetError, alignRadiograph, encodePng, interventionGeometry, preprocess, readRadiograph, type AlignerModel, type ClickPoints, type PreprocessingSpec, type Radiograph } from '@affnet/core';
import { annotatePage } from './page.js';
import type { AnnotationStore } from './store.js';

/** Window presets as percentiles of the image's grey levels ('file': the file's own range, as decoded). */
export const WINDOW_PRESETS: Record<string, [number, number] | 'file'> = { auto: [0.01, 0.995], file: 'file', bone: [0.4, 0.999], soft: [0.005, 0.75] };

export interface AnnotateServerOptions {
  store: AnnotationStore;
  /** The crop the preview shows: the intervention pathway's spec (input size, crop fraction …). */
  spec: PreprocessingSpec;
  port?: number;
  /** Suggests the two points on every open image (the user accepts or places their own). */
  aligner?: AlignerModel;
  read?(path: string): Promise<Radiograph>;
  /** Called once per image that cannot be read or whose given clicks disagree with it. */
  onProblem?(index: number, message: string): void;
}

export interface AnnotateServer {
  url: string;
  token: string;
  port: number;
  server: Server;
  /** Images that could not be read, by index, with the typed error's message. */
  problems: Map<number, string>;
  /** Resolves when the background check of every image has finished. */
  checked: Promise<void>;
  close(): Promise<void>;
}

/** 8-bit grey PNG of a radiograph at full resolution, windowed. */
export async function radiographPng(r: Radiograph, preset: string): Promise<Buffer> {
  const w = WINDOW_PRESETS[preset];
  if (!w) throw new AffnetError('E_OPTION_INVALID', `window "${preset}" is not one of ${Object.keys(WINDOW_PRESETS).join(', ')}`);
  let lo: number;
  let hi: number;
  if (w === 'file') {
    lo = Infinity;
    hi = -Infinity;
    for (const v of r.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  } else {
    const sorted = Float32Array.from(r.data).sort();
    lo = sorted[Math.floor(w[0] * (sorted.length - 1))]!;
    hi = sorted[Math.floor(w[1] * (sorted.length - 1))]!;
  }
  return greyPng(r.data, r.width, r.height, lo, hi);
}

/** The network input the intervention pathway makes from these clicks (core `preprocess`), first channel, min–max to 8 bits (core `encodePng`). */
export async function cropPreviewPng(r: Radiograph, spec: PreprocessingSpec, clicks: ClickPoints): Promise<Buffer> {
  const p = preprocess(r, { ...spec, pathway: 'intervention' }, { clicks });
  const N = spec.inputSize;
  const plane = new Float32Array(N * N);
  for (let i = 0; i < N * N; i++) plane[i] = p.data[i * 3]!;
  return encodePng({ width: N, height: N, data: plane }, { bitDepth: 8, range: 'minmax', compressionLevel: 1 });
}

function greyPng(data: Float32Array, width: number, height: number, lo: number, hi: number): Promise<Buffer> {
  return encodePng({ width, height, data }, { bitDepth: 8, range: [lo, hi > lo ? hi : lo + 1], compressionLevel: 1 });
}

/** Clicks a page sent, checked against the image (inside it, two distinct points) with core's own checks. */
export function checkClicks(value: unknown, r: Radiograph, where: string): ClickPoints {
  const c = value as ClickPoints;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!c || !num(c.fracture?.x) || !num(c.fracture?.y) || !num(c.axis?.x) || !num(c.axis?.y)) {
    throw new AffnetError('E_OPTION_INVALID', `${where}: expected clicks { fracture: {x, y}, axis: {x, y} } of finite numbers`);
  }
  const clicks = { fracture: { x: round2(c.fracture.x), y: round2(c.fracture.y) }, axis: { x: round2(c.axis.x), y: round2(c.axis.y) } };
  try {
    interventionGeometry({ width: r.width, height: r.height, inputSize: 8, clicks });
  } catch (e) {
    throw new AffnetError('E_OPTION_INVALID', `${where}: ${e instanceof AffnetError ? e.detail : String(e)}`);
  }
  // Manifests store coordinates ≥ 0 (pixel centres start at 0); a click on the outer half-pixel edge is the edge pixel.
  for (const p of [clicks.fracture, clicks.axis]) {
    p.x = Math.max(0, p.x);
    p.y = Math.max(0, p.y);
  }
  return clicks;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Start the server; it checks every image in the background (unreadable ones are listed, not fatal). */
export async function startAnnotateServer(o: AnnotateServerOptions): Promise<AnnotateServer> {
  const { store } = o;
  const read = o.read ?? ((p: string) => readRadiograph(p));
  const token = randomBytes(16).toString('hex');
  const problems = new Map<number, string>();
  const cache = new Map<number, Promise<Radiograph>>();
  const radiograph = (i: number): Promise<Radiograph> => {
    let r = cache.get(i);
    if (!r) {
      r = read(store.items[i]!.path);
      cache.set(i, r);
      // A few recent images only: full-resolution radiographs are large.
      if (cache.size > 4) cache.delete(cache.keys().next().value!);
    }
    return r;
  };
  const describe = (e: unknown) => (e instanceof AffnetError ? `[${e.code}] ${e.detail}` : e instanceof Error ? e.message : String(e));
  const noteProblem = (i: number, message: string) => {
    if (problems.has(i)) return;
    problems.set(i, message);
    o.onProblem?.(i, message);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, e instanceof AffnetError && e.code === 'E_OPTION_INVALID' ? 400 : 500, { error: describe(e) }));
  });
  let origin = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = req.headers.host ?? '';
    if (host !== origin && host !== origin.replace('127.0.0.1', 'localhost')) return send(res, 403, { error: 'wrong host' });
    const given = url.searchParams.get('token') ?? req.headers['x-affnet-token'];
    if (given !== token) return send(res, 403, { error: 'missing or wrong token (use the URL affnet annotate printed)' });
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && parts.length === 0) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(annotatePage());
      return;
    }
    if (parts[0] !== 'api') return send(res, 404, { error: 'not found' });
    if (req.method === 'GET' && parts[1] === 'state') return send(res, 200, state());
    const index = Number(parts[2]);
    if (!Number.isInteger(index) || index < 0 || index >= store.items.length) return send(res, 404, { error: `no image number ${parts[2]}` });
    const where = `image ${index + 1} (${store.items[index]!.pathAsWritten})`;
    if (req.method === 'GET' && parts[1] === 'image') {
      let r: Radiograph;
      try {
        r = await radiograph(index);
      } catch (e) {
        noteProblem(index, describe(e));
        return send(res, 422, { error: `${where}: ${describe(e)}` });
      }
      const png = await radiographPng(r, url.searchParams.get('window') ?? 'auto');
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store', 'x-image-width': String(r.width), 'x-image-height': String(r.height) });
      res.end(png);
      return;
    }
    if (req.method === 'GET' && parts[1] === 'suggest') {
      if (!o.aligner) return send(res, 404, { error: 'no aligner: start affnet annotate with --aligner FILE to get suggestions' });
      const found = alignRadiograph(o.aligner, await radiograph(index));
      return send(res, 200, { clicks: found.clicks, confidence: found.confidence, ...(found.warning ? { warning: found.warning } : {}) });
    }
    if (req.method === 'POST' && (parts[1] === 'preview' || parts[1] === 'decide' || parts[1] === 'reopen')) {
      const body = await readJson(req);
      if (parts[1] === 'reopen') {
        store.reopen(index);
        return send(res, 200, state());
      }
      if (parts[1] === 'preview') {
        const r = await radiograph(index);
        const clicks = checkClicks(body.clicks, r, where);
        const png = await cropPreviewPng(r, o.spec, clicks);
        res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
        res.end(png);
        return;
      }
      const status = body.status;
      if (status === 'done') {
        const r = await radiograph(index);
        store.decide(index, { status, clicks: checkClicks(body.clicks, r, where) });
      } else if (status === 'skipped') {
        store.decide(index, { status });
      } else if (status === 'flagged') {
        const reason = typeof body.reason === 'string' ? body.reason.trim().replace(/\s+/g, ' ').slice(0, 500) : '';
        if (!reason) throw new AffnetError('E_OPTION_INVALID', `${where}: flagging an image as unusable needs a reason`);
        store.decide(index, { status, reason });
      } else {
        throw new AffnetError('E_OPTION_INVALID', `${where}: status must be done, skipped or flagged, got ${JSON.stringify(status)}`);
      }
      return send(res, 200, state());
    }
    return send(res, 404, { error: 'not found' });
  }

  function state() {
    return {
      total: store.items.length,
      next: store.firstOpen(problems),
      spec: { inputSize: o.spec.inputSize, cropFraction: o.spec.cropFraction ?? null },
      suggest: o.aligner !== undefined,
      windows: Object.keys(WINDOW_PRESETS),
      items: store.items.map((it, i) => {
        const d = store.decisions.get(i);
        return {
          index: i,
          id: it.pathAsWritten,
          status: d?.status ?? (problems.has(i) ? 'unreadable' : 'open'),
          ...(d?.clicks ? { clicks: d.clicks } : {}),
          ...(d?.reason ? { reason: d.reason } : {}),
          ...(problems.has(i) ? { error: problems.get(i) } : {}),
        };
      }),
    };
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (e) =>
      reject(
        new AffnetError('E_OPTION_INVALID', `cannot listen on 127.0.0.1:${o.port ?? 0} (${(e as Error).message})`, {
          hint: { api: 'choose another port', cli: 'give another --port, or none for a free one' },
        }),
      ),
    );
    server.listen(o.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `127.0.0.1:${port}`;
  // Check every image once in the background: unreadable files, and given clicks that disagree with the image.
  const checked = (async () => {
    for (let i = 0; i < store.items.length; i++) {
      let r: Radiograph;
      try {
        r = await read(store.items[i]!.path);
      } catch (e) {
        noteProblem(i, describe(e));
        continue;
      }
      // Saved clicks that do not fit the image (a file replaced since): reopened, so the image is annotated again.
      const d = store.decisions.get(i);
      if (d?.clicks) {
        try {
          checkClicks(d.clicks, r, `row ${i + 2} (${store.items[i]!.pathAsWritten})`);
        } catch (e) {
          store.reopen(i);
          o.onProblem?.(i, `${describe(e)}; reopened`);
        }
      }
    }
  })();
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    server,
    problems,
    checked,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) throw new AffnetError('E_OPTION_INVALID', 'request body too large');
    chunks.push(c as Buffer);
  }
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AffnetError('E_OPTION_INVALID', 'request body is not JSON');
  }
}
