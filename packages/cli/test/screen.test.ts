/**
 * `affnet screen` and `affnet worker` on a real Redis (see serve/test/redis.ts): exactly one record
 * per distinct image across workers; `kill -9` of a worker mid-run (its jobs go to the other worker,
 * nothing missing, nothing twice); Redis restarted mid-run (workers reconnect, the run completes);
 * corrupt files as error records; the same screen started twice does no work twice; status and report.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultStore } from '@affnet/serve';
import { readDicomAttributes } from '@affnet/core';
import { generateCohort } from '@affnet/phantom';
import { orthancMissing, startOrthanc } from '../../serve/test/orthanc.js';
import { redisMissing, startRedis, type RedisServer } from '../../serve/test/redis.js';
import { writeTinyBundle, writeTinyImages } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const env = { ...process.env, AFFNET_NO_PROGRESS: '1' };

describe.skipIf(Boolean(redisMissing))('affnet screen / affnet worker on Redis', () => {
  let redis: RedisServer;
  let dir: string;
  let bundle: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'affnet-screen-'));
    bundle = await writeTinyBundle(join(dir, 'bundle'));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const screen = (args: string[]) => spawnSync(process.execPath, [BIN, 'screen', '--redis', redis.url, '--bundle', bundle, ...args], { encoding: 'utf8', env });
  const startWorker = (run: string, extra: string[] = []) => {
    const w = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--run', run, '--runtime', 'onnx:cpu', '--lock-ms', '2000', '--wait-ms', '20000', ...extra], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    w.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    w.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    workers.push(w);
    return { w, lines: () => out.split('\n').filter((l) => l.startsWith('{')).length, stderr: () => err, exit: new Promise<number | null>((r) => w.once('exit', (c) => r(c))) };
  };
  const waitFor = async (cond: () => boolean, ms: number, what: string) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('one record per distinct image, corrupt files as error records, a second screen adds nothing; status and report', async () => {
    const img = join(dir, 'a');
    const { files } = await writeTinyImages(img, 12, 21);
    copyFileSync(files[0]!, join(img, 'same-bytes-as-00.png'));
    writeFileSync(join(img, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    writeFileSync(join(img, 'noise.dcm'), Buffer.alloc(300, 7));
    const results = join(dir, 'res-a');
    const first = screen([img, '--results', results, '--run', 'a', '--detach', '--cam-above', '0']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain('14 images; 0 already have a record, 0 already queued, 14 enqueued');
    expect(first.stderr).toContain('1 files repeat');
    const again = screen([img, '--results', results, '--run', 'a', '--detach', '--cam-above', '0']);
    expect(again.stderr).toContain('14 already queued, 0 enqueued');
    const w = startWorker('a');
    const other = screen([img, '--results', results, '--run', 'a', '--detach', '--threshold', '0.7', '--cam-above', '0']);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain('exists with other settings (threshold: 0.5)');
    const follow = spawnSync(process.execPath, [BIN, 'screen', img, '--redis', redis.url, '--bundle', bundle, '--results', results, '--run', 'a', '--cam-above', '0'], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    expect(follow.status).toBe(3); // two error records
    expect(follow.stderr).toMatch(/14 images; \d+ already have a record, \d+ already queued, 0 enqueued/);
    const store = new ResultStore(results);
    const records = [...store.records()];
    expect(records).toHaveLength(14);
    expect(new Set(records.map((r) => r.id)).size).toBe(14);
    const failed = records.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.error!.code).every((c) => /^E_IMAGE_|^E_DICOM_/.test(c))).toBe(true);
    expect(failed.map((r) => ('path' in r.source ? r.source.path : '')).sort()).toEqual([join(img, 'broken.png'), join(img, 'noise.dcm')]);
    const status = spawnSync(process.execPath, [BIN, 'screen', '--status', '--redis', redis.url, '--results', results, '--run', 'a'], { encoding: 'utf8', env });
    const s = JSON.parse(status.stdout) as { classified: number; failed: number; failuresByCode: Record<string, number>; queue: Record<string, number> };
    expect([s.classified, s.failed]).toEqual([12, 2]);
    expect(Object.values(s.queue).reduce((a, b) => a + b, 0)).toBe(0);
    const report = spawnSync(process.execPath, [BIN, 'screen', '--report', '--results', results, '--run', 'a', '--top', '5'], { encoding: 'utf8', env });
    expect(report.status).toBe(0);
    const html = readFileSync(join(results, 'report.html'), 'utf8');
    expect(html).toContain('14 images: 12 classified');
    expect((html.match(/<tr><td>/g) ?? []).length).toBe(5);
    const cams = readdirSync(join(results, 'cam'));
    expect(cams.length).toBe(12); // --cam-above 0: a thumbnail for every classified image
    expect(html).toContain('<img src="cam/');
    w.w.kill('SIGTERM');
    expect(await w.exit).toBe(0);
  });

  it('kill -9 of a worker mid-run: the other worker takes its jobs; nothing missing, nothing twice', async () => {
    const img = join(dir, 'b');
    await writeTinyImages(img, 240, 33);
    const results = join(dir, 'res-b');
    expect(screen([img, '--results', results, '--run', 'b', '--detach']).status).toBe(0);
    const a = startWorker('b', ['--batch-size', '4']);
    await waitFor(() => a.lines() >= 16, 60_000, 'worker A to start');
    a.w.kill('SIGKILL');
    await a.exit;
    const doneByA = a.lines();
    expect(doneByA).toBeLessThan(240);
    const b = startWorker('b', ['--batch-size', '4']);
    const store = new ResultStore(results);
    await waitFor(() => store.ids().size >= 240, 90_000, 'all 240 records');
    await new Promise((r) => setTimeout(r, 1500)); // anything late would show up as a second file now
    const records = [...store.records()];
    expect(records).toHaveLength(240);
    expect(new Set(records.map((r) => r.id)).size).toBe(240);
    expect(records.every((r) => r.status === 'classified')).toBe(true);
    const byWorker = new Set(records.map((r) => r.worker));
    expect(byWorker.size).toBe(2);
    b.w.kill('SIGTERM');
    expect(await b.exit).toBe(0);
  });

  it('Redis restarted mid-run: workers reconnect and the run completes', async () => {
    const img = join(dir, 'c');
    await writeTinyImages(img, 200, 44);
    const results = join(dir, 'res-c');
    expect(screen([img, '--results', results, '--run', 'c', '--detach']).status).toBe(0);
    const w = startWorker('c', ['--batch-size', '4']);
    await waitFor(() => w.lines() >= 10, 60_000, 'the worker to start');
    await redis.restart(1500);
    const store = new ResultStore(results);
    await waitFor(() => store.ids().size >= 200, 120_000, 'all 200 records after the restart');
    const records = [...store.records()];
    expect(records).toHaveLength(200);
    expect(records.every((r) => r.status === 'classified')).toBe(true);
    // the outage is said once, not once per retry
    expect(w.stderr().match(/Redis connection lost/g)?.length).toBe(1);
    expect(w.stderr()).toContain('Redis connection back');
    expect(w.stderr()).not.toContain('Unhandled error event');
    w.w.kill('SIGTERM');
    expect(await w.exit).toBe(0);
  }, 180_000);

  it('screens a manifest’s images', async () => {
    const { manifest } = await writeTinyImages(join(dir, 'm'), 6, 55);
    const results = join(dir, 'res-m');
    const w = startWorker('m');
    const r = spawnSync(process.execPath, [BIN, 'screen', '--manifest', manifest, '--redis', redis.url, '--bundle', bundle, '--results', results, '--run', 'm'], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('6 images; 0 already have a record, 0 already queued, 6 enqueued');
    expect([...new ResultStore(results).records()].map((x) => x.status)).toEqual(Array(6).fill('classified'));
    w.w.kill('SIGTERM');
    expect(await w.exit).toBe(0);
  });

  it.skipIf(Boolean(orthancMissing))('screens radiographs on a DICOMweb archive found by a QIDO-RS query, keyed by SOP Instance UID', async () => {
    const orthanc = await startOrthanc();
    try {
      await generateCohort({ out: join(dir, 'dw'), patients: 2, imagesPerPatient: [2, 2], height: [300, 320], seed: 66, dicom: true, workers: 0 });
      const sops: string[] = [];
      let patient = '';
      for (const p of readdirSync(join(dir, 'dw', 'dicom'))) {
        for (const f of readdirSync(join(dir, 'dw', 'dicom', p))) {
          const bytes = readFileSync(join(dir, 'dw', 'dicom', p, f));
          const a = readDicomAttributes(bytes);
          if (!patient) patient = String(a.PatientID);
          if (String(a.PatientID) === patient) sops.push(String(a.SOPInstanceUID));
          await orthanc.upload(bytes);
        }
      }
      const results = join(dir, 'res-dw');
      const w = startWorker('dw');
      const r = spawnSync(
        process.execPath,
        [BIN, 'screen', '--dicomweb', orthanc.dicomweb, '--query', `PatientID=${patient}`, '--redis', redis.url, '--bundle', bundle, '--results', results, '--run', 'dw'],
        { encoding: 'utf8', env, timeout: 90_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const records = [...new ResultStore(results).records()];
      expect(records.map((x) => x.id).sort()).toEqual(sops.sort()); // only that patient's study, one record per instance
      expect(records.every((x) => x.status === 'classified' && 'sop' in x.source)).toBe(true);
      w.w.kill('SIGTERM');
      expect(await w.exit).toBe(0);

      // the archive gone after planning: each image is retried with back-off, then recorded as failed, none lost
      const down = join(dir, 'res-down');
      const planned = spawnSync(
        process.execPath,
        [BIN, 'screen', '--dicomweb', orthanc.dicomweb, '--query', `PatientID=${patient}`, '--redis', redis.url, '--bundle', bundle, '--results', down, '--run', 'down', '--attempts', '2', '--detach'],
        { encoding: 'utf8', env },
      );
      expect(planned.status, planned.stderr).toBe(0);
      await orthanc.stop();
      const w2 = startWorker('down');
      const store = new ResultStore(down);
      await waitFor(() => store.ids().size >= sops.length, 60_000, 'error records after the retries');
      const failed = [...store.records()];
      expect(failed.map((x) => [x.status, x.error!.code, x.attempts])).toEqual(Array(sops.length).fill(['failed', 'E_DICOMWEB', 2]));
      w2.w.kill('SIGTERM');
      expect(await w2.exit).toBe(0);
    } finally {
      await orthanc.stop();
    }
  });
});
