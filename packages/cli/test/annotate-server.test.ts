/**
 * The annotate server without a browser: bad clicks are refused naming the image, an unreadable
 * file is listed with its typed error and skipped, saved clicks that no longer fit their image are
 * reopened, and only 127.0.0.1 with the run's token and Host is served.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '@affnet/core';
import { AnnotationStore, type AnnotateItem } from '../src/annotate/store.js';
import { startAnnotateServer, type AnnotateServer } from '../src/annotate/server.js';

describe('annotate server', () => {
  let dir: string;
  let items: AnnotateItem[];
  let server: AnnotateServer;
  const problems: string[] = [];
  const spec = { pathway: 'intervention' as const, inputSize: 32, normalisation: 'zscore' as const };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'affnet-annotate-server-'));
    const data = Float32Array.from({ length: 40 * 50 }, (_, i) => (i % 40) * 100 + Math.floor(i / 40) * 10);
    writeFileSync(join(dir, 'a.png'), await encodePng({ width: 40, height: 50, data }, { bitDepth: 16, range: [0, 65535] }));
    writeFileSync(join(dir, 'b.png'), await encodePng({ width: 40, height: 50, data }, { bitDepth: 16, range: [0, 65535] }));
    writeFileSync(join(dir, 'broken.png'), Buffer.from('not an image'));
    items = ['a.png', 'broken.png', 'b.png'].map((n) => ({ path: join(dir, n), pathAsWritten: n, label: 'AFF' }));
    // b.png was annotated on a larger image once: its saved point lies outside the 40×50 image now.
    writeFileSync(join(dir, 'clicks.csv'), 'path,label,fx,fy,ax,ay,status\nb.png,AFF,100,20,100,2,done\n');
    server = await startAnnotateServer({ store: new AnnotationStore(join(dir, 'clicks.csv'), items), spec, onProblem: (i, m) => problems.push(`${i}: ${m}`) });
    await server.checked;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) => fetch(`http://127.0.0.1:${server.port}${path}?token=${server.token}`, { method: 'POST', body: JSON.stringify(body) });

  it('refuses clicks outside the image and identical points, naming the image', async () => {
    const outside = await post('/api/decide/0', { status: 'done', clicks: { fracture: { x: 10, y: 10 }, axis: { x: 10, y: 80 } } });
    expect(outside.status).toBe(400);
    expect((await outside.json()).error).toMatch(/image 1 \(a\.png\): clicks\.axis \(10, 80\) lies outside the 40x50 image/);
    const same = await post('/api/preview/0', { clicks: { fracture: { x: 10, y: 10 }, axis: { x: 10, y: 10 } } });
    expect(same.status).toBe(400);
    expect((await same.json()).error).toMatch(/image 1 \(a\.png\).*at least 2 px away/);
    const flagged = await post('/api/decide/0', { status: 'flagged' });
    expect((await flagged.json()).error).toMatch(/needs a reason/);
  });

  it('lists an unreadable image with its typed error and skips it; reopens saved clicks that do not fit', async () => {
    const state = await (await fetch(`http://127.0.0.1:${server.port}/api/state?token=${server.token}`)).json();
    expect(state.items[1]).toMatchObject({ id: 'broken.png', status: 'unreadable' });
    expect(state.items[1].error).toMatch(/^\[E_/);
    expect(state.items[2].status).toBe('open');
    expect(problems.some((p) => p.startsWith('2: ') && /row 4 \(b\.png\).*outside.*reopened/.test(p))).toBe(true);
    expect((await post('/api/decide/0', { status: 'skipped' })).status).toBe(200);
    const after = await (await post('/api/decide/2', { status: 'done', clicks: { fracture: { x: 20, y: 30 }, axis: { x: 20, y: 5 } } })).json();
    // Everything readable is decided: the unreadable one does not hold the run open.
    expect(after.next).toBe(-1);
  });

  it('serves only with the token and the right Host', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/api/state`)).status).toBe(403);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: server.port, path: `/api/state?token=${server.token}`, headers: { host: 'evil.example:80' } }, (res) => resolve(res.statusCode!)).end();
    });
    expect(status).toBe(403);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
  });
});
