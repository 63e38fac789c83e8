import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictImages, preprocess, readRadiograph, type LoadedModel } from '@affnet/core';
import { createServer, type AffnetServer } from '../src/index.js';
import { loadTiny, png, slowed } from './helpers.js';

let model: LoadedModel;
let other: LoadedModel;
let server: AffnetServer;
let url: string;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  model = await loadTiny();
  other = await loadTiny('automated', 5);
  server = await createServer({
    models: [
      { name: 'a', model },
      { name: 'b', model: other },
    ],
    decodeThreads: 1,
    maxBatch: 8,
    maxDelayMs: 20,
    log: (e) => logs.push(e),
  });
  url = await server.listen(0);
}, 120_000);
afterAll(async () => {
  await server?.close();
  await model?.dispose();
  await other?.dispose();
});

async function expected(m: LoadedModel, bytes: Buffer): Promise<number> {
  const r = await readRadiograph(new Uint8Array(bytes));
  const [p] = await predictImages(m, [preprocess(r, m.bundle.manifest.preprocessing)]);
  return p!.probability;
}

describe('createServer: POST /v1/predict', () => {
  it('classifies a PNG body with the probability affnet predict gives, and says what ran', async () => {
    const body = await png(1);
    const res = await fetch(`${url}/v1/predict`, { method: 'POST', body, headers: { 'content-type': 'image/png' } });
    expect(res.status).toBe(200);
    const j = (await res.json()) as Record<string, unknown> & { timings: Record<string, number> };
    expect(j.model).toBe('a');
    expect(j.runtime).toBe('onnx:cpu/fp32');
    expect(j.pathway).toBe('automated');
    expect(j.probability).toBeCloseTo(await expected(model, body), 5);
    expect(['AFF', 'NFF']).toContain(j.label);
    expect(j.timings.totalMs).toBeGreaterThan(0);
    expect(j.timings.forwardMs).toBeGreaterThan(0);
  });

  it('serves several bundles by name; an unknown name is 404', async () => {
    const body = await png(2);
    const b = (await (await fetch(`${url}/v1/predict?model=b`, { method: 'POST', body })).json()) as { model: string; probability: number };
    expect(b.model).toBe('b');
    expect(b.probability).toBeCloseTo(await expected(other, body), 5);
    const res = await fetch(`${url}/v1/predict?model=zz`, { method: 'POST', body });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('E_NOT_FOUND');
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { models: { name: string }[] };
    expect(models.models.map((m) => m.name)).toEqual(['a', 'b']);
  });

  it('groups concurrent requests into shared forward passes, each answer unchanged', async () => {
    const bodies = await Promise.all(Array.from({ length: 12 }, (_v, i) => png(i + 3)));
    const answers = await Promise.all(bodies.map(async (body) => (await (await fetch(`${url}/v1/predict`, { method: 'POST', body })).json()) as { probability: number; batchSize: number }));
    expect(Math.max(...answers.map((a) => a.batchSize))).toBeGreaterThan(1);
    for (let i = 0; i < bodies.length; i++) expect(answers[i]!.probability).toBeCloseTo(await expected(model, bodies[i]!), 5);
  });

  it('answers bytes that are no image with 422 and the error code; logs carry no request content', async () => {
    const res = await fetch(`${url}/v1/predict`, { method: 'POST', body: Buffer.from('PatientName=DOE^JANE not an image') });
    expect(res.status).toBe(422);
    const j = (await res.json()) as { error: string; message: string };
    expect(j.error).toMatch(/^E_IMAGE_|^E_DICOM_/);
    expect(j.message).not.toMatch(/\n\s+at /); // no stack
    expect(JSON.stringify(logs)).not.toContain('DOE');
    expect(logs.some((l) => l.code === j.error && l.status === 422)).toBe(true);
  });

  it('takes multipart with several files: one result per file, a bad file is its own error record', async () => {
    const form = new FormData();
    form.append('file', new Blob([await png(20)]), 'one.png');
    form.append('file', new Blob([Buffer.from('broken')]), 'two.png');
    form.append('file', new Blob([await png(21)]), 'three.png');
    const res = await fetch(`${url}/v1/predict`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const j = (await res.json()) as { images: number; failed: number; results: { name: string; error?: string; probability?: number }[] };
    expect(j.images).toBe(3);
    expect(j.failed).toBe(1);
    expect(j.results.map((r) => r.name)).toEqual(['one.png', 'two.png', 'three.png']);
    expect(j.results[1]!.error).toMatch(/^E_IMAGE_/);
    expect(j.results[0]!.probability).toBeCloseTo(await expected(model, await png(20)), 5);
  });

  it('adds the CAM overlay as a PNG with ?cam=png', async () => {
    const res = await fetch(`${url}/v1/predict?cam=png`, { method: 'POST', body: await png(4) });
    const j = (await res.json()) as { cam: { contentType: string; width: number; height: number; base64: string } };
    expect(j.cam.contentType).toBe('image/png');
    const meta = await sharp(Buffer.from(j.cam.base64, 'base64')).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([90, 120, 3]);
    expect([j.cam.width, j.cam.height]).toEqual([90, 120]);
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const name of [
      'affnet_http_requests_total',
      'affnet_errors_total',
      'affnet_queue_depth',
      'affnet_batch_size_bucket',
      'affnet_stage_seconds_bucket',
      'affnet_model_info',
      'affnet_process_resident_memory_bytes',
    ])
      expect(text).toContain(name);
    expect(text).toMatch(/affnet_model_info\{model="a",architecture="resnet18",pathway="automated",backend="onnx",engine="cpu",precision="fp32"\} 1/);
    expect(text).toMatch(/affnet_stage_seconds_count\{stage="decode",model="a"\} [1-9]/);
    expect(text).toMatch(/affnet_errors_total\{code="E_IMAGE_[A-Z_]+"\} [1-9]/);
  });

  it('refuses unknown routes with 404 JSON', async () => {
    const res = await fetch(`${url}/v2/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('E_NOT_FOUND');
  });
});

describe('createServer: limits', () => {
  it('refuses a body over the limit (413) and an image over the pixel limit before decoding it (413)', async () => {
    const s = await createServer({ models: [{ name: 'a', model }], decodeThreads: 0, maxBodyBytes: 4000, maxPixels: 5000 });
    const u = await s.listen(0);
    try {
      const big = await fetch(`${u}/v1/predict`, { method: 'POST', body: Buffer.alloc(5000, 1) });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: string }).error).toBe('E_BODY_TOO_LARGE');
      const wide = await fetch(`${u}/v1/predict`, { method: 'POST', body: await png(0, 100, 60) });
      expect(wide.status).toBe(413);
      const j = (await wide.json()) as { error: string; message: string };
      expect(j.error).toBe('E_IMAGE_TOO_LARGE');
      expect(j.message).toContain('6000 pixels');
    } finally {
      await s.close();
    }
  });

  it('answers 503 with Retry-After when the queue is full, and every admitted request still succeeds', async () => {
    const slow = slowed(model, 150);
    const s = await createServer({ models: [{ name: 'a', model: slow }], decodeThreads: 0, maxConcurrency: 2, maxQueue: 1, maxBatch: 1 });
    const u = await s.listen(0);
    try {
      const body = await png(5);
      const res = await Promise.all(Array.from({ length: 6 }, () => fetch(`${u}/v1/predict`, { method: 'POST', body })));
      const codes = res.map((r) => r.status).sort();
      expect(codes.filter((c) => c === 200)).toHaveLength(3);
      expect(codes.filter((c) => c === 503)).toHaveLength(3);
      const busy = res.find((r) => r.status === 503)!;
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(((await busy.json()) as { error: string }).error).toBe('E_BUSY');
    } finally {
      await s.close();
    }
  });

  it('answers 504 when a request takes longer than the timeout', async () => {
    const s = await createServer({ models: [{ name: 'a', model: slowed(model, 400) }], decodeThreads: 0, requestTimeoutMs: 100 });
    const u = await s.listen(0);
    try {
      const res = await fetch(`${u}/v1/predict`, { method: 'POST', body: await png(6) });
      expect(res.status).toBe(504);
      expect(((await res.json()) as { error: string }).error).toBe('E_TIMEOUT');
    } finally {
      await s.close();
    }
  });

  it('needs a token beyond loopback; with one, every route but /health and /ready needs the bearer', async () => {
    const open = await createServer({ models: [{ name: 'a', model }], decodeThreads: 0 });
    await expect(open.listen(0, '0.0.0.0')).rejects.toThrow(/needs a token/);
    await open.close();
    const s = await createServer({ models: [{ name: 'a', model }], decodeThreads: 0, token: 'sekrit-token' });
    const u = await s.listen(0);
    try {
      const body = await png(7);
      const no = await fetch(`${u}/v1/predict`, { method: 'POST', body });
      expect(no.status).toBe(401);
      expect(no.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(`${u}/v1/predict`, { method: 'POST', body, headers: { authorization: 'Bearer wrong-token!' } })).status).toBe(401);
      expect((await fetch(`${u}/v1/predict`, { method: 'POST', body, headers: { authorization: 'Bearer sekrit-token' } })).status).toBe(200);
      expect((await fetch(`${u}/metrics`)).status).toBe(401);
      expect((await fetch(`${u}/health`)).status).toBe(200);
      expect((await fetch(`${u}/ready`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('close() drains: every accepted request is answered, then /ready is refused', async () => {
    const slow = slowed(model, 100);
    const s = await createServer({ models: [{ name: 'a', model: slow }], decodeThreads: 1, maxBatch: 2 });
    const u = await s.listen(0);
    const body = await png(8);
    const pending = Array.from({ length: 6 }, () => fetch(`${u}/v1/predict`, { method: 'POST', body }).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 60));
    await s.close();
    expect(await Promise.all(pending)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(s.ready).toBe(false);
    await expect(fetch(`${u}/health`)).rejects.toThrow();
  });
});

describe('createServer: intervention bundles', () => {
  it('needs clicks (no aligner): 400 without, the crop on the given points with ?clicks', async () => {
    const iv = await loadTiny('intervention');
    const s = await createServer({ models: [{ name: 'iv', model: iv }], decodeThreads: 0 });
    const u = await s.listen(0);
    try {
      const body = await png(9);
      const no = await fetch(`${u}/v1/predict`, { method: 'POST', body });
      expect(no.status).toBe(400);
      expect(((await no.json()) as { error: string }).error).toBe('E_OPTION_INVALID');
      const bad = await fetch(`${u}/v1/predict?clicks=1,2,3`, { method: 'POST', body });
      expect(bad.status).toBe(400);
      const ok = (await (await fetch(`${u}/v1/predict?clicks=45,60,45,10`, { method: 'POST', body })).json()) as { alignment: string; points: unknown; pathway: string };
      expect(ok.alignment).toBe('clicks');
      expect(ok.points).toEqual({ fracture: { x: 45, y: 60 }, axis: { x: 45, y: 10 } });
      expect(ok.pathway).toBe('intervention');
    } finally {
      await s.close();
      await iv.dispose();
    }
  });
});
