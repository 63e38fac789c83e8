import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictImages, preprocess, readRadiograph } from '@affnet/core';
import { createHostApp, type Host } from '../src/index.js';
import { png, tinyBundle } from './helpers.js';

let host: Host;
let url: string;

beforeAll(async () => {
  host = await createHostApp({ bundle: tinyBundle(), token: 'host-secret-0123456789' });
  url = await host.app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => host?.close());

const auth = { authorization: 'Bearer host-secret-0123456789' };

describe('affnet mounted in an existing fastify app (examples/src/fastify-mount.ts)', () => {
  it('keeps the host routes and their JSON parsing, outside affnet’s token', async () => {
    const created = await fetch(`${url}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patient: 'p1', text: 'follow-up' }) });
    expect(created.status).toBe(201);
    expect((await fetch(`${url}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    expect(((await (await fetch(`${url}/api/status`)).json()) as { affnetReady: boolean; notes: number }).affnetReady).toBe(true);
  });

  it('serves affnet under /affnet with its token, with the probability core gives', async () => {
    const body = await png(2);
    expect((await fetch(`${url}/affnet/v1/predict`, { method: 'POST', body })).status).toBe(401);
    const res = await fetch(`${url}/affnet/v1/predict`, { method: 'POST', body, headers: auth });
    expect(res.status).toBe(200);
    const j = (await res.json()) as { probability: number; model: string };
    const r = await readRadiograph(new Uint8Array(body));
    const [p] = await predictImages(host.model, [preprocess(r, host.model.bundle.manifest.preprocessing)]);
    expect(j.probability).toBeCloseTo(p!.probability, 6);
    expect(j.model).toBe('femur');
    expect((await fetch(`${url}/affnet/ready`)).status).toBe(200);
    expect(await (await fetch(`${url}/affnet/metrics`, { headers: auth })).text()).toContain('affnet_batch_size');
  });

  it('answers bad images with 422 JSON under the prefix and 404s unknown affnet routes', async () => {
    const bad = await fetch(`${url}/affnet/v1/predict`, { method: 'POST', body: Buffer.from('nope'), headers: auth });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^E_IMAGE_/);
    expect((await fetch(`${url}/affnet/v9`, { headers: auth })).status).toBe(404);
  });
});
