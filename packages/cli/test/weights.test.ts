/**
 * `affnet weights`: the downloader against a local HTTP server started here (127.0.0.1 only):
 * success, resume after a cut connection, checksum mismatch, 404, a stalled server and the timeout,
 * no network; `list`; `import` of a small generated Keras H5 checked against the network.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, createRng, isAffnetError, weightSpecs, type WeightMap } from '@affnet/core';
import { writeKerasH5 } from '@affnet/backend-tfjs';
import { runCli } from '../src/program.js';
import { whyRandom } from '../src/runtime/pretrained.js';
import { downloadFile } from '../src/weights/download.js';
import { captureOutput, io } from './helpers.js';

captureOutput();
const dir = mkdtempSync(join(tmpdir(), 'affnet-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const payload = randomBytes(3 * 2 ** 20 + 17);
const md5 = createHash('md5').update(payload).digest('hex');

/** What the server does for a request: serve (honouring Range), cut after N bytes, stall, or answer a status. */
let behaviour: { kind: 'serve' } | { kind: 'cut'; after: number } | { kind: 'stall' } | { kind: 'status'; code: number } = { kind: 'serve' };
const ranges: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    ranges.push(String(req.headers.range ?? ''));
    const b = behaviour;
    if (b.kind === 'status') return void res.writeHead(b.code).end('no');
    const m = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    const start = m ? Number(m[1]) : 0;
    const body = payload.subarray(start);
    res.writeHead(m ? 206 : 200, { 'content-length': body.length, ...(m ? { 'content-range': `bytes ${start}-${payload.length - 1}/${payload.length}` } : {}) });
    if (b.kind === 'stall') return void res.write(body.subarray(0, 1000)); // then nothing
    if (b.kind === 'cut') {
      res.write(body.subarray(0, b.after));
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
afterEach(() => {
  behaviour = { kind: 'serve' };
  ranges.length = 0;
  delete process.env.AFFNET_WEIGHTS_MIRROR;
  delete process.env.AFFNET_WEIGHTS_DIR;
});

describe('downloadFile', () => {
  it('downloads, verifies the MD5 and places the file atomically', async () => {
    const dest = join(dir, 'ok.h5');
    const r = await downloadFile({ url: `${base}/ok.h5`, dest, md5 });
    expect(r).toEqual({ path: dest, bytes: payload.length, resumedFrom: 0 });
    expect(readFileSync(dest).equals(payload)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('a cut connection keeps the part file; the next call resumes with a Range request', async () => {
    const dest = join(dir, 'resume.h5');
    behaviour = { kind: 'cut', after: 2 ** 20 };
    const e = await downloadFile({ url: `${base}/r.h5`, dest, md5 }).catch((x: unknown) => x);
    expect(isAffnetError(e, 'E_DOWNLOAD')).toBe(true);
    expect(String(e)).toMatch(/run the same command again to resume/);
    const have = statSync(`${dest}.part`).size;
    expect(have).toBeGreaterThanOrEqual(2 ** 20);
    expect(existsSync(dest)).toBe(false);
    behaviour = { kind: 'serve' };
    ranges.length = 0;
    const r = await downloadFile({ url: `${base}/r.h5`, dest, md5 });
    expect(ranges).toEqual([`bytes=${have}-`]);
    expect(r.resumedFrom).toBe(have);
    expect(readFileSync(dest).equals(payload)).toBe(true);
  });

  it('a checksum mismatch deletes the download and fails with both sums', async () => {
    const dest = join(dir, 'bad.h5');
    const e = await downloadFile({ url: `${base}/b.h5`, dest, md5: '0'.repeat(32) }).catch((x: unknown) => x);
    expect(isAffnetError(e, 'E_CHECKSUM_MISMATCH')).toBe(true);
    expect(String(e)).toContain(`MD5 ${md5} is not the pinned ${'0'.repeat(32)}; the file was deleted`);
    expect(existsSync(dest) || existsSync(`${dest}.part`)).toBe(false);
  });

  it('a 404 names the URL and the status', async () => {
    behaviour = { kind: 'status', code: 404 };
    const e = await downloadFile({ url: `${base}/missing.h5`, dest: join(dir, 'm.h5'), md5 }).catch((x: unknown) => x);
    expect(isAffnetError(e, 'E_DOWNLOAD')).toBe(true);
    expect(String(e)).toContain(`${base}/missing.h5 answered HTTP 404 (not found`);
  });

  it('a server that stops sending times out, keeping what arrived for a resume', async () => {
    behaviour = { kind: 'stall' };
    const dest = join(dir, 'slow.h5');
    const e = await downloadFile({ url: `${base}/s.h5`, dest, md5, timeoutSeconds: 1 }).catch((x: unknown) => x);
    expect(isAffnetError(e, 'E_DOWNLOAD')).toBe(true);
    expect(String(e)).toMatch(/no data for 1 s \(--timeout\) after 1000 bytes/);
    expect(statSync(`${dest}.part`).size).toBe(1000);
  }, 15_000);
});

describe('affnet weights', () => {
  it('--weights auto says why a network starts from random weights and how to get ImageNet ones', () => {
    process.env.AFFNET_WEIGHTS_DIR = join(dir, 'none-here');
    expect(whyRandom('resnet50')).toBe(`no ImageNet weights for resnet50 in ${join(dir, 'none-here')} (get them with: affnet weights pull resnet50-imagenet-notop)`);
    expect(whyRandom('resnet18')).toBe('no ImageNet weights are known for resnet18');
  });

  it('list: every known set with its URL, licence and pinned checksum, and whether it is present', async () => {
    process.env.AFFNET_WEIGHTS_DIR = join(dir, 'empty');
    expect(await runCli(['weights', 'list', '--json'])).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.folders).toEqual([join(dir, 'empty')]);
    expect(out.sets.map((s: { name: string }) => s.name)).toEqual([
      'vgg19-imagenet-notop',
      'resnet50-imagenet-notop',
      'resnet101-imagenet-notop',
      'resnet152-imagenet-notop',
      'inception_v3-imagenet-notop',
    ]);
    const vgg = out.sets[0];
    expect(vgg).toMatchObject({
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
      md5: '253f8cb515780f3b799900260a226db6',
      present: null,
    });
    expect(vgg.licence).toMatch(/CC BY 4\.0/);
  });

  it('pull: through a mirror; a file that is not the pinned one is refused and deleted', async () => {
    process.env.AFFNET_WEIGHTS_DIR = join(dir, 'pulled');
    process.env.AFFNET_WEIGHTS_MIRROR = base;
    expect(await runCli(['weights', 'pull', 'resnet50'])).toBe(2);
    expect(ranges).toEqual(['']);
    expect(io.err).toContain('[E_CHECKSUM_MISMATCH]');
    expect(io.err).toContain('is not the pinned 4d473c1dd8becc155b73f8504c6f6626; the file was deleted');
    expect(existsSync(join(dir, 'pulled', 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5.part'))).toBe(false);
    io.err = '';
    expect(await runCli(['weights', 'pull', 'alexnet'])).toBe(2);
    expect(io.err).toContain('unknown set "alexnet". Available: vgg19-imagenet-notop');
  });

  it('pull without network says which file to copy where', async () => {
    process.env.AFFNET_WEIGHTS_DIR = join(dir, 'offline');
    // a port nothing listens on: refused at once, as a machine without network is
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    process.env.AFFNET_WEIGHTS_MIRROR = `http://127.0.0.1:${port}`;
    expect(await runCli(['weights', 'pull', 'vgg19-imagenet-notop'])).toBe(2);
    expect(io.err).toContain(`no network (ECONNREFUSED`);
    expect(io.err).toContain(`copy vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 into ${join(dir, 'offline')} by hand`);
  });

  it('import: a Keras notop H5 is checked layer by layer and registered in the weights folder', async () => {
    process.env.AFFNET_WEIGHTS_DIR = join(dir, 'imported');
    const graph = buildNetwork('resnet18', { inputSize: 32 });
    const rng = createRng(5);
    const specs = weightSpecs(graph).filter((s) => s.layer !== 'predictions');
    const weights: WeightMap = new Map(specs.map((s) => [s.name, { shape: s.shape, data: Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)) }]));
    const layers = graph.nodes.filter((n) => n.name !== 'predictions').map((n) => ({ name: n.name, weightNames: specs.filter((s) => s.layer === n.name).map((s) => `${s.weight}:0`) }));
    const good = join(dir, 'r18.h5');
    await writeKerasH5(good, layers, weights, 'weights');
    expect(await runCli(['weights', 'import', good, '--architecture', 'resnet18', '--json'])).toBe(0);
    const out = JSON.parse(io.out);
    expect(out).toMatchObject({ architecture: 'resnet18', path: join(dir, 'imported', 'r18.h5') });
    expect(out.loadedLayers).toBeGreaterThan(30);
    // A file missing one layer is refused with the layer named.
    const bad = join(dir, 'r18-bad.h5');
    await writeKerasH5(
      bad,
      layers.filter((l) => l.name !== 'conv1_conv'),
      weights,
      'weights',
    );
    io.err = '';
    expect(await runCli(['weights', 'import', bad, '--architecture', 'resnet18'])).toBe(2);
    expect(io.err).toMatch(/\[E_WEIGHTS_MISMATCH\] .*not in the source: conv1_conv/);
    expect(io.err).toContain('give --weights with weights made for resnet18, or --weights none');
    writeFileSync(join(dir, 'not-weights.h5'), 'hello');
    io.err = '';
    expect(await runCli(['weights', 'import', join(dir, 'not-weights.h5'), '--architecture', 'vgg19'])).toBe(2);
    expect(io.err).toContain('not an HDF5 file');
  });
});
