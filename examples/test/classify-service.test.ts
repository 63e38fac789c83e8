import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, createBundleManifest, initWeights } from '@affnet/core';
import { createClassifyService, type ClassifyService } from '../src/index.js';

let service: ClassifyService;
let url: string;
const lines: string[] = [];

beforeAll(async () => {
  const graph = buildNetwork('resnet18', { inputSize: 64 });
  const manifest = createBundleManifest({ architecture: 'resnet18', inputSize: 64, tool: 'examples test', seed: 3 });
  service = await createClassifyService({ bundle: { manifest, weights: initWeights(graph, 3) }, log: (l) => lines.push(l) });
  await new Promise<void>((r) => service.server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => service?.close());

async function png(): Promise<Buffer> {
  const w = 90;
  const h = 120;
  const px = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.abs(x - 45) < 8 ? 220 : 40 + ((x * 7 + y * 3) % 30);
  return sharp(px, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}

describe('classify service (examples/)', () => {
  it('classifies an uploaded PNG and says which runtime ran', async () => {
    const res = await fetch(`${url}/classify`, { method: 'POST', body: await png() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { label: string; probability: number; probabilities: number[]; runtime: { backend: string; engine: string } };
    expect(['AFF', 'NFF']).toContain(body.label);
    expect(body.probabilities).toHaveLength(2);
    expect(body.probabilities[0]! + body.probabilities[1]!).toBeCloseTo(1, 5);
    expect(body.probability).toBe(body.probabilities[0]);
    expect(body.runtime.engine).toBe('cpu');
  });

  it('answers 422 with the error code for bytes that are no image, and logs the code only', async () => {
    const res = await fetch(`${url}/classify`, { method: 'POST', body: Buffer.from('PatientName=DOE^JANE not an image') });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/^E_IMAGE_|^E_DICOM_/);
    expect(lines.join('\n')).not.toContain('DOE');
  });

  it('reports health and 404s other routes', async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as { architecture: string };
    expect(health.architecture).toBe('resnet18');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
