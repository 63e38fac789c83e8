/**
 * A minimal HTTP service that embeds affnet: one model bundle, ONNX Runtime on the CPU, and core's
 * decoding and preprocessing. It shows the whole one-way data flow a host service needs:
 * bytes → readRadiograph (PNG/JPEG/TIFF/DICOM) → preprocess (the bundle's own pathway settings)
 * → backend forward → probability. Patient data never reaches the log: errors are logged by code only.
 *
 *   POST /classify   body: the image file's bytes → 200 { label, probability, probabilities, runtime }
 *                                                  → 422 { error: code, message } for unreadable input
 *   GET  /health     → 200 { architecture, labels, runtime }
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { AffnetError, isAffnetError, preprocess, readBundle, readRadiograph, type ModelBundle } from '@affnet/core';
import { createOnnxBackend } from '@affnet/backend-onnx';

export interface ServiceOptions {
  /** A bundle folder or an in-memory bundle. */
  bundle: string | ModelBundle;
  /** Intra-op threads for ONNX Runtime. @defaultValue 1 */
  threads?: number;
  /** Largest accepted request body in bytes. @defaultValue 64 MiB */
  maxBytes?: number;
  /** Where to log one line per request (code-only for failures). @defaultValue no logging */
  log?: (line: string) => void;
}

export interface ClassifyService {
  server: Server;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AffnetError('E_OPTION_INVALID', `request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function createClassifyService(options: ServiceOptions): Promise<ClassifyService> {
  const bundle = typeof options.bundle === 'string' ? await readBundle(options.bundle) : options.bundle;
  const backend = createOnnxBackend();
  const model = await backend.load(bundle, { engines: ['cpu'], threads: options.threads ?? 1 });
  const { labels, positiveLabel, preprocessing } = bundle.manifest;
  const positive = labels.indexOf(positiveLabel);
  const log = options.log ?? (() => {});
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/health') {
        json(res, 200, { architecture: bundle.manifest.architecture, labels, runtime: model.runtime });
        return;
      }
      if (req.method !== 'POST' || req.url !== '/classify') {
        json(res, 404, { error: 'E_NOT_FOUND', message: 'use POST /classify or GET /health' });
        return;
      }
      try {
        const bytes = await readBody(req, options.maxBytes ?? 64 * 2 ** 20);
        const radiograph = await readRadiograph(new Uint8Array(bytes), { source: 'request body' });
        const input = preprocess(radiograph, preprocessing);
        const out = await model.forward({ data: input.data, shape: input.shape });
        const probabilities = Array.from(out.probabilities);
        const best = probabilities.indexOf(Math.max(...probabilities));
        json(res, 200, { label: labels[best], probability: probabilities[positive], positiveLabel, probabilities, runtime: model.runtime });
        log(`classify ok ${labels[best]}`);
      } catch (e) {
        if (isAffnetError(e)) {
          log(`classify failed ${e.code}`);
          json(res, 422, { error: e.code, message: e.message });
        } else {
          log('classify failed E_INTERNAL');
          json(res, 500, { error: 'E_INTERNAL', message: 'internal error' });
        }
      }
    })();
  });
  return {
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await model.dispose();
    },
  };
}
