#!/usr/bin/env node
/**
 * `affnet serve` under load (autocannon), with the offline numbers of the same runtime measured in
 * the same run, so the goals are ratios, not absolute times:
 *
 *   1. Latency (p50/p95/p99) and throughput at concurrency 1, 8 and 32, ONNX Runtime CPU, 256-px PNG
 *      bodies, on a VGG19 bundle at the demo's input size (128) and a ResNet50 bundle at 256; 0 errors.
 *      Goals: throughput at c=8 ≥ 0.8 × offline batch-16 throughput (batching works); p99 (and p50)
 *      at c=1 ≤ 1.2 × the same percentile of the same work offline: decode + preprocess + a batch-1
 *      pass, image after image (the service adds little). Like for like, because ONNX Runtime's
 *      batch-1 pass alone varies (here p99 ≈ 1.7 × median when passes have gaps between them).
 *   2. Memory: RSS after 10,000 requests within 10 % of RSS after the first 1,000; again with 10 %
 *      corrupt bodies (each answered 4xx, none lost, the server still ready). A small model
 *      (ResNet18 at 64 px) so that 10,000 requests take a minute, not an hour: what leaks is
 *      per-request state, not the model.
 *   3. Drain: SIGTERM under load (VGG19, 16 clients) → every request that reached the server is
 *      answered (200, or 503 once draining), none reset, exit 0.
 *
 *   pnpm build                                  # the CLI and its packages (dist/)
 *   node packages/serve/bench/serve.mjs         # about 8 minutes on 2 cores
 *   node packages/serve/bench/serve.mjs --bundle vgg19=DEMO_OUT/…/bundle --duration 20 --out results.json
 *   node packages/serve/bench/serve.mjs --quick # a smoke run of every phase (short, fewer requests)
 *
 * The weights of the default bundles are random (seeded): speed does not depend on their values.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildNetwork, createBundleManifest, encodePng, initWeights, predictImages, preprocess, readBundle, readRadiograph, writeBundle } from '@affnet/core';
import { createOnnxBackend } from '@affnet/backend-onnx';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '../../cli/dist/bin.js');
const { values: o } = parseArgs({
  options: {
    bundle: { type: 'string', multiple: true, default: [] },
    duration: { type: 'string', default: '10' },
    leak: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '1,8,32' },
    out: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'skip-leak': { type: 'boolean', default: false },
    'skip-drain': { type: 'boolean', default: false },
  },
});
const QUICK = o.quick;
const DURATION = QUICK ? 3 : Number(o.duration);
const LEAK_TOTAL = QUICK ? 1500 : Number(o.leak);
const LEVELS = o.concurrency.split(',').map(Number);
const tmp = mkdtempSync(join(os.tmpdir(), 'affnet-serve-bench-'));
const log = (s) => process.stderr.write(`${s}\n`);

function pct(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const median = (xs) =>
  pct(
    [...xs].sort((a, b) => a - b),
    50,
  );
const r1 = (x) => Math.round(x * 10) / 10;

/** 256-px 16-bit PNG radiograph-like bodies (a bright shaft with a texture), seeded by k. */
async function bodies(n) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const W = 256;
    const data = new Float32Array(W * W);
    for (let y = 0; y < W; y++)
      for (let x = 0; x < W; x++) {
        const shaft = Math.exp(-(((x - 128 - 10 * Math.sin(y / 40 + k)) / 22) ** 2));
        data[y * W + x] = 8000 + 30000 * shaft + 3000 * Math.sin((x * (3 + k)) / 17) * Math.cos(y / 11);
      }
    out.push(await encodePng({ width: W, height: W, data }, { bitDepth: 16, range: [0, 65535] }));
  }
  return out;
}

async function defaultBundle(architecture, inputSize) {
  const dir = join(tmp, `${architecture}-${inputSize}`);
  const manifest = createBundleManifest({ architecture, inputSize, tool: 'serve bench', seed: 1, initialisation: 'random' });
  await writeBundle(dir, { manifest, weights: initWeights(buildNetwork(architecture, { inputSize }), 1) });
  return dir;
}

/** Offline numbers of the bundle on ONNX Runtime CPU, in this process: decode+preprocess, batch-1 latency, batch-16 throughput. */
async function offline(dir, pngs) {
  const bundle = await readBundle(dir);
  const model = await createOnnxBackend().load(bundle, { engines: ['cpu'] });
  try {
    const spec = bundle.manifest.preprocessing;
    const decode = [];
    const inputs = [];
    for (let i = 0; i < (QUICK ? 5 : 20); i++) {
      const t = performance.now();
      const r = await readRadiograph(new Uint8Array(pngs[i % pngs.length]));
      inputs.push(preprocess(r, spec));
      decode.push(performance.now() - t);
    }
    await predictImages(model, inputs.slice(0, 1));
    // batch 1 as a client at concurrency 1 sees it: each image decoded, preprocessed, then its own forward pass
    const b1 = [];
    const perImage = [];
    for (let i = 0; i < (QUICK ? 5 : 100); i++) {
      const t0 = performance.now();
      const r = await readRadiograph(new Uint8Array(pngs[i % pngs.length]));
      const x = preprocess(r, spec);
      const t1 = performance.now();
      await predictImages(model, [x]);
      const t2 = performance.now();
      b1.push(t2 - t1);
      perImage.push(t2 - t0);
    }
    perImage.sort((a, b) => a - b);
    const batch = Array.from({ length: 16 }, (_v, i) => inputs[i % inputs.length]);
    await predictImages(model, batch, { batchSize: 16 });
    const runs = QUICK ? 1 : 3;
    const t = performance.now();
    for (let i = 0; i < runs; i++) await predictImages(model, batch, { batchSize: 16 });
    const b16 = (16 * runs) / ((performance.now() - t) / 1000);
    return {
      decodeMs: r1(median(decode)),
      batch1Ms: r1(median(b1)),
      batch1PlusDecodeP50: r1(pct(perImage, 50)),
      batch1PlusDecodeP99: r1(pct(perImage, 99)),
      batch16ImagesPerS: r1(b16),
      runtime: `${model.runtime.backend}:${model.runtime.engine}/${model.runtime.precision}`,
    };
  } finally {
    await model.dispose();
  }
}

function startServe(bundles, extra = []) {
  const args = [BIN, 'serve', ...bundles.flatMap((b) => ['--bundle', b]), '--port', '0', '--runtime', 'onnx:cpu', '--decode-threads', '1', '--max-batch', '16', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AFFNET_NO_PROGRESS: '1' } });
  let err = '';
  child.stderr.on('data', (d) => (err += d.toString()));
  const exit = new Promise((r) => child.once('exit', (code) => r(code)));
  const url = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('http'));
      if (line) resolve(line.trim());
    });
    exit.then((code) => reject(new Error(`serve exited ${code}: ${err.slice(-2000)}`)));
  });
  return { child, url, exit, stderr: () => err };
}

async function load(url, connections, opts) {
  const latencies = [];
  const statuses = {};
  const instance = autocannon({ url, connections, pipelining: 1, timeout: 120, ...opts });
  instance.on('response', (_client, status, _bytes, ms) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const seconds = (new Date(result.finish) - new Date(result.start)) / 1000;
  return {
    connections,
    requests: latencies.length,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: r1(pct(latencies, 50)),
    p95: r1(pct(latencies, 95)),
    p99: r1(pct(latencies, 99)),
    imagesPerS: r1((statuses[200] ?? 0) / seconds),
  };
}

async function metric(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

const results = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, date: new Date().toISOString(), latency: [], memory: [], drain: undefined, goals: [] };
const goal = (name, value, limit, ok) => {
  results.goals.push({ name, value, limit, met: ok });
  log(`  goal ${ok ? 'met    ' : 'NOT MET'}: ${name}: ${value} (limit ${limit})`);
};

try {
  const pngs = await bodies(8);
  const given = Object.fromEntries(o.bundle.map((b) => b.split('=')));
  const models = [
    { name: 'vgg19', dir: given.vgg19 ?? (await defaultBundle('vgg19', 128)) },
    { name: 'resnet50', dir: given.resnet50 ?? (await defaultBundle('resnet50', 256)) },
  ];
  // 1. latency and throughput
  for (const m of models) {
    log(`${m.name}: offline baseline (this process, ONNX Runtime CPU)`);
    const off = await offline(m.dir, pngs);
    log(
      `  decode+preprocess ${off.decodeMs} ms, batch 1 ${off.batch1Ms} ms, decode + batch 1 per image p50 ${off.batch1PlusDecodeP50} / p99 ${off.batch1PlusDecodeP99} ms, batch 16 ${off.batch16ImagesPerS} images/s`,
    );
    const s = startServe([`${m.name}=${m.dir}`], ['--no-log']);
    const url = await s.url;
    const rows = [];
    for (const c of LEVELS) {
      const r = await load(`${url}/v1/predict`, c, { duration: DURATION, requests: pngs.map((body) => ({ method: 'POST', body, headers: { 'content-type': 'image/png' } })) });
      rows.push(r);
      log(
        `  c=${c}: ${r.requests} requests, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, ${r.imagesPerS} images/s, statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}, timeouts ${r.timeouts}`,
      );
    }
    s.child.kill('SIGTERM');
    await s.exit;
    results.latency.push({ model: m.name, offline: off, load: rows });
    const c1 = rows.find((r) => r.connections === 1);
    const c8 = rows.find((r) => r.connections === 8);
    const bad = rows.reduce(
      (n, r) =>
        n +
        r.errors +
        r.timeouts +
        Object.entries(r.statuses)
          .filter(([k]) => k !== '200')
          .reduce((a, [, v]) => a + v, 0),
      0,
    );
    goal(`${m.name}: errors and non-200 answers`, bad, 0, bad === 0);
    if (c8) goal(`${m.name}: throughput at c=8 / offline batch-16 throughput`, r1((c8.imagesPerS / off.batch16ImagesPerS) * 100) / 100, 0.8, c8.imagesPerS >= 0.8 * off.batch16ImagesPerS);
    if (c1) {
      // like for like: the p99 of the service against the p99 of the same work done offline (decode, then a batch-1 pass, image after image)
      goal(`${m.name}: p99 at c=1 / offline p99 of (decode + batch-1 pass)`, Math.round((c1.p99 / off.batch1PlusDecodeP99) * 100) / 100, 1.2, c1.p99 <= 1.2 * off.batch1PlusDecodeP99);
      goal(`${m.name}: p50 at c=1 / offline p50 of (decode + batch-1 pass)`, Math.round((c1.p50 / off.batch1PlusDecodeP50) * 100) / 100, 1.2, c1.p50 <= 1.2 * off.batch1PlusDecodeP50);
    }
  }

  // 2. memory over 10,000 requests, clean and with 10 % corrupt bodies
  if (!o['skip-leak']) {
    const tiny = await defaultBundle('resnet18', 64);
    const corrupt = pngs[0].subarray(0, 200);
    for (const mix of ['clean', '10% corrupt']) {
      const s = startServe([`tiny=${tiny}`], ['--no-log']);
      const url = await s.url;
      // per kind of body: what was sent and what came back (autocannon cycles the 10 bodies on each connection)
      const tally = { clean: {}, corrupt: {} };
      const requests = Array.from({ length: 10 }, (_v, i) => {
        const kind = mix !== 'clean' && i === 9 ? 'corrupt' : 'clean';
        return {
          method: 'POST',
          body: kind === 'corrupt' ? corrupt : pngs[i % 8],
          headers: { 'content-type': 'image/png' },
          onResponse: (status) => (tally[kind][status] = (tally[kind][status] ?? 0) + 1),
        };
      });
      const first = await load(`${url}/v1/predict`, 8, { amount: Math.round(LEAK_TOTAL / 10), requests });
      const rssFirst = await metric(url, 'affnet_process_resident_memory_bytes');
      const rest = await load(`${url}/v1/predict`, 8, { amount: LEAK_TOTAL - Math.round(LEAK_TOTAL / 10), requests });
      const rssAll = await metric(url, 'affnet_process_resident_memory_bytes');
      const ready = (await fetch(`${url}/ready`)).status;
      s.child.kill('SIGTERM');
      await s.exit;
      const answered = first.requests + rest.requests;
      const sum = (t) => Object.values(t).reduce((a, b) => a + b, 0);
      const row = {
        mix,
        requests: LEAK_TOTAL,
        answered,
        clean: tally.clean,
        corrupt: tally.corrupt,
        errors: first.errors + rest.errors + first.timeouts + rest.timeouts,
        rssAfterFirstTenthMB: r1(rssFirst / 2 ** 20),
        rssAfterAllMB: r1(rssAll / 2 ** 20),
        readyAfter: ready,
      };
      results.memory.push(row);
      log(`memory (${mix}): ${JSON.stringify(row)}`);
      goal(`memory (${mix}): RSS after ${LEAK_TOTAL} / after ${Math.round(LEAK_TOTAL / 10)}`, Math.round((rssAll / rssFirst) * 1000) / 1000, 1.1, rssAll <= 1.1 * rssFirst);
      const cleanOk = tally.clean[200] ?? 0;
      const corrupt4xx = Object.entries(tally.corrupt)
        .filter(([k]) => k >= '400' && k < '500')
        .reduce((a, [, v]) => a + v, 0);
      goal(
        `memory (${mix}): every request answered (clean → 200, corrupt → 4xx), none lost, still ready`,
        `${cleanOk}/${sum(tally.clean)} clean 200, ${corrupt4xx}/${sum(tally.corrupt)} corrupt 4xx, ${answered}/${LEAK_TOTAL} answered, ready ${ready}`,
        'all, all, all, 200',
        cleanOk === sum(tally.clean) && corrupt4xx === sum(tally.corrupt) && answered === LEAK_TOTAL && row.errors === 0 && ready === 200 && (mix === 'clean' || sum(tally.corrupt) > 0),
      );
    }
  }

  // 3. SIGTERM under load
  if (!o['skip-drain']) {
    const s = startServe([`vgg19=${models[0].dir}`], ['--no-log', '--drain-grace-ms', '1000']);
    const url = await s.url;
    const outcome = { answered: {}, refused: 0, lost: [] };
    let stop = false;
    const client = async (k) => {
      for (let i = 0; !stop || i < 1; i++) {
        try {
          const res = await fetch(`${url}/v1/predict`, { method: 'POST', body: pngs[(k + i) % 8] });
          await res.arrayBuffer();
          outcome.answered[res.status] = (outcome.answered[res.status] ?? 0) + 1;
          // a well-behaved client: after 503, come back when Retry-After says
          if (res.status === 503) await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        } catch (e) {
          const code = e?.cause?.code ?? String(e);
          if (code === 'ECONNREFUSED') outcome.refused++;
          else outcome.lost.push(code);
          return;
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_v, k) => client(k));
    await new Promise((r) => setTimeout(r, QUICK ? 2000 : 5000));
    const t = performance.now();
    s.child.kill('SIGTERM');
    const code = await s.exit;
    const drainS = (performance.now() - t) / 1000;
    stop = true;
    await Promise.all(clients);
    // the server's own count of requests it read and answered (printed as it stops)
    const m = /(\d+) requests received, (\d+) answered/.exec(s.stderr());
    const server = m ? { received: Number(m[1]), answered: Number(m[2]) } : undefined;
    const clientAnswered = Object.values(outcome.answered).reduce((a, b) => a + b, 0);
    results.drain = { ...outcome, server, clientAnswered, exitCode: code, drainSeconds: r1(drainS) };
    log(`drain: ${JSON.stringify(results.drain)}`);
    goal(
      'drain: every request the server read was answered and reached its client; exit code',
      `${server?.answered}/${server?.received} answered, ${clientAnswered} received by clients, exit ${code}`,
      'all, all, 0',
      server !== undefined && server.answered === server.received && clientAnswered === server.answered && code === 0,
    );
    log(`  connections reset before the server read a request (no request lost: it was never read): ${outcome.lost.length}; refused after close: ${outcome.refused}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const json = JSON.stringify(results, null, 2);
if (o.out) writeFileSync(o.out, `${json}\n`);
process.stdout.write(`${json}\n`);
