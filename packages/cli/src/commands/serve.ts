/**
 * `affnet serve --bundle [NAME=]DIR …`: the models as an HTTP service (@affnet/serve `createServer`):
 * POST /v1/predict, GET /v1/models, /health, /ready, /metrics and, with --dicomweb, POST
 * /v1/dicomweb/studies/UID[/series/UID]. Every bundle is loaded on `--runtime` (the one runtime
 * grammar), warmed, then the URL is printed on stdout. One JSON line per request goes to stderr
 * (route, status, error code, milliseconds: never request content). SIGTERM or SIGINT drains: no
 * new requests, every accepted one answered, exit 0.
 */
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, type LoadedModel } from '@affnet/core';
import { createServer, dicomwebRoutes, isLoopback, type ServedModel } from '@affnet/serve';
import { parseIntOption } from '../options/parse.js';
import { addRuntimeOption } from '../options/runtime.js';
import { loadBundleOn } from '../runtime/backends.js';

interface ServeFlags {
  bundle?: string[];
  runtime: string;
  host: string;
  port: string;
  maxBatch: string;
  maxDelayMs: string;
  maxConcurrency: string;
  maxQueue: string;
  maxBodyMb: string;
  maxPixels: string;
  timeoutMs: string;
  drainGraceMs: string;
  decodeThreads?: string;
  token?: string;
  dicomweb?: string;
  log: boolean;
}

/** `[NAME=]DIR` values → names and folders; the name defaults to the folder's name. */
export function parseBundleList(values: readonly string[]): { name: string; dir: string }[] {
  if (values.length === 0) throw new AffnetError('E_OPTION_INVALID', '--bundle: give at least one bundle folder ([NAME=]DIR)');
  const out = values.map((v) => {
    const eq = v.indexOf('=');
    const named = eq > 0 && /^[A-Za-z0-9._-]+$/.test(v.slice(0, eq));
    const dir = named ? v.slice(eq + 1) : v;
    return { name: named ? v.slice(0, eq) : basename(resolve(dir)).replace(/[^A-Za-z0-9._-]+/g, '-'), dir };
  });
  const seen = new Set<string>();
  for (const b of out) {
    if (seen.has(b.name)) throw new AffnetError('E_OPTION_INVALID', `--bundle: two bundles are named "${b.name}"; name them: --bundle NAME=DIR`);
    seen.add(b.name);
  }
  return out;
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Serve trained bundles over HTTP: POST /v1/predict (micro-batched), /health, /ready, /metrics; DICOMweb with --dicomweb')
    .option(
      '--bundle <[name=]dir>',
      'a bundle folder to serve (required), as NAME=DIR or DIR (name: the folder name); repeat for several, the first is the default',
      (v: string, all: string[] | undefined) => [...(all ?? []), v],
    );
  addRuntimeOption(cmd)
    .option('--host <address>', 'address to listen on; anything but loopback needs --token', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--max-batch <n>', 'images per forward pass', '16')
    .option('--max-delay-ms <ms>', 'how long an image waits for others when the model is idle', '5')
    .option('--max-concurrency <n>', 'requests processed at once', '64')
    .option('--max-queue <n>', 'requests waiting beyond that before 503 + Retry-After', '256')
    .option('--max-body-mb <n>', 'largest request body, MiB', '128')
    .option('--max-pixels <n>', 'largest image, pixels (checked on the header before decoding)', '60000000')
    .option('--timeout-ms <ms>', 'per request, from admission to answer (then 504)', '60000')
    .option('--drain-grace-ms <ms>', 'on SIGTERM, how long connections stay open answering new requests 503 before the server stops listening', '1000')
    .option('--decode-threads <n>', 'worker threads decoding and preprocessing (default: cores − 1, at least 1; 0: on the event loop)')
    .option('--token <token>', 'require Authorization: Bearer TOKEN on every route but /health and /ready (default: $AFFNET_TOKEN)')
    .option('--dicomweb <url>', 'DICOMweb root of an archive (e.g. http://pacs:8042/dicom-web): enables POST /v1/dicomweb/studies/UID[/series/UID]; $AFFNET_DICOMWEB_TOKEN is sent as its bearer token')
    .option('--no-log', 'no per-request log lines on stderr');
  cmd.action(async (f: ServeFlags) => {
    const port = parseIntOption('--port', f.port, 0, 65535)!;
    const token = f.token ?? process.env.AFFNET_TOKEN;
    if (token !== undefined && token.length < 16) throw new AffnetError('E_OPTION_INVALID', '--token / AFFNET_TOKEN: use at least 16 characters');
    const bundles = parseBundleList(f.bundle ?? []);
    const limits = {
      maxBatch: parseIntOption('--max-batch', f.maxBatch, 1, 256)!,
      maxDelayMs: parseIntOption('--max-delay-ms', f.maxDelayMs, 0, 10_000)!,
      maxConcurrency: parseIntOption('--max-concurrency', f.maxConcurrency, 1, 100_000)!,
      maxQueue: parseIntOption('--max-queue', f.maxQueue, 0, 1_000_000)!,
      maxBodyBytes: parseIntOption('--max-body-mb', f.maxBodyMb, 1, 4096)! * 2 ** 20,
      maxPixels: parseIntOption('--max-pixels', f.maxPixels, 1, 2 ** 31)!,
      requestTimeoutMs: parseIntOption('--timeout-ms', f.timeoutMs, 1, 24 * 3600_000)!,
      drainGraceMs: parseIntOption('--drain-grace-ms', f.drainGraceMs, 0, 600_000)!,
      ...(f.decodeThreads !== undefined ? { decodeThreads: parseIntOption('--decode-threads', f.decodeThreads, 0, 256)! } : {}),
    };
    if (!isLoopback(f.host) && !token) {
      throw new AffnetError('E_OPTION_INVALID', `--host ${f.host} listens beyond this machine: give --token (or set AFFNET_TOKEN)`);
    }
    const loaded: LoadedModel[] = [];
    const dispose = () => Promise.all(loaded.map((m) => m.dispose()));
    let server;
    try {
      const models: ServedModel[] = [];
      for (const b of bundles) {
        const model = await loadBundleOn(b.dir, f.runtime, { features: true });
        loaded.push(model);
        models.push({ name: b.name, model });
      }
      server = await createServer({
        models,
        ...limits,
        ...(token ? { token } : {}),
        ...(f.log ? { log: (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(e)}\n`) } : {}),
        ...(f.dicomweb ? { plugins: [dicomwebRoutes({ url: f.dicomweb, ...(process.env.AFFNET_DICOMWEB_TOKEN ? { token: process.env.AFFNET_DICOMWEB_TOKEN } : {}) })] } : {}),
      });
      const url = await server.listen(port, f.host);
      process.stderr.write(
        `serve: ${models.map((m) => `${m.name} (${m.model.bundle.manifest.architecture}, ${server!.pipeline(m.name).runtime})`).join(', ')} ready on ${url}${f.dicomweb ? `; DICOMweb ${f.dicomweb}` : ''}\n`,
      );
      process.stdout.write(`${url}\n`);
    } catch (e) {
      await server?.close();
      await dispose();
      throw e;
    }
    const s = server;
    await new Promise<void>((done) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          process.stderr.write(`serve: ${signal} again: exiting without draining\n`);
          process.exit(1);
        }
        stopping = true;
        process.stderr.write(`serve: ${signal}: draining (no new requests; answering the accepted ones)\n`);
        s.close()
          .then(dispose)
          .then(
            () => {
              const c = s.counts();
              process.stderr.write(`serve: stopped: ${c.received} requests received, ${c.answered} answered\n`);
              done();
            },
            (e: unknown) => {
              process.stderr.write(`serve: error while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
              done();
            },
          );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
  });
}
