#!/usr/bin/env node
/**
 * What the Redis queue itself costs per image, without a model: bytes of Redis memory per waiting job
 * (the job data affnet screen writes: a 64-hex id and a path), jobs enqueued per second (addBulk in
 * chunks of 500), and empty jobs per second one BullMQ worker (concurrency 16) moves through the
 * queue. The numbers behind the scale-out model in README.md. Needs redis-server.
 *
 *   node packages/serve/bench/queue-capacity.mjs
 */
import { spawn } from 'node:child_process';
import { connect, enqueue, screenQueue } from '../dist/index.js';
const port = 21000 + Math.floor(Math.random() * 20000);
const r = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise((x) => setTimeout(x, 500));
const redis = connect(`redis://127.0.0.1:${port}`);
const mem = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
const m0 = await mem();
const q = screenQueue(redis, 'mem');
const N = 20000;
const jobs = Array.from({ length: N }, (_v, i) => ({ id: i.toString(16).padStart(64, '0'), path: `/archive/2019/05/patient-folder-${i}/image-${i}.dcm` }));
let t = performance.now();
await enqueue(q, jobs, 3);
const enqS = (performance.now() - t) / 1000;
const m1 = await mem();
const keys = await redis.dbsize();
// drain them as a worker would, without a model: how many jobs/s the queue itself sustains
const { Worker } = await import('bullmq');
t = performance.now();
let n = 0;
const wc = connect(`redis://127.0.0.1:${port}`);
const w = new Worker(
  'affnet-screen-mem',
  async () => {
    n++;
  },
  { connection: wc, concurrency: 16 },
);
while (n < N) await new Promise((x) => setTimeout(x, 100));
const drainS = (performance.now() - t) / 1000;
console.log(
  JSON.stringify({
    jobs: N,
    bytesPerWaitingJob: Math.round((m1 - m0) / N),
    enqueuePerS: Math.round(N / enqS),
    emptyJobsPerSOneWorker16: Math.round(N / drainS),
    memAfterDrainMB: Math.round((await mem()) / 2 ** 20),
    redisKeys: keys,
  }),
);
await w.close();
await q.close();
wc.disconnect();
redis.disconnect();
r.kill();
