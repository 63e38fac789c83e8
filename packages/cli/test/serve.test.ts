/**
 * `affnet serve` as a process: several bundles by name, the URL on stdout, the same probability as
 * `affnet predict`, SIGTERM under load (every request answered, exit 0), the token rule; and
 * `affnet predict --dicomweb` against a real Orthanc (skips where it is not installed, fails with CI=true).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomAttributes } from '@affnet/core';
import { generateCohort } from '@affnet/phantom';
import { orthancMissing, startOrthanc, type Orthanc } from '../../serve/test/orthanc.js';
import { writeTinyBundle, writeTinyImages } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
let dir: string;
let bundleA: string;
let bundleB: string;
let images: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'affnet-serve-cli-'));
  bundleA = await writeTinyBundle(join(dir, 'a'));
  bundleB = await writeTinyBundle(join(dir, 'b'), { inputSize: 48 });
  images = (await writeTinyImages(join(dir, 'img'), 4)).files;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

async function startServe(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...process.env, AFFNET_NO_PROGRESS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('http'));
      if (line) resolve(line.trim());
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err, exit };
}

describe('affnet serve', () => {
  it('serves two bundles by name with the probabilities affnet predict gives; SIGTERM under load answers every request and exits 0', async () => {
    const s = await startServe(['--bundle', `first=${bundleA}`, '--bundle', `second=${bundleB}`, '--port', '0', '--decode-threads', '1', '--runtime', 'onnx:cpu']);
    const models = (await (await fetch(`${s.url}/v1/models`)).json()) as { models: { name: string; inputSize: number; runtime: string }[] };
    expect(models.models.map((m) => [m.name, m.inputSize, m.runtime])).toEqual([
      ['first', 32, 'onnx:cpu/fp32'],
      ['second', 48, 'onnx:cpu/fp32'],
    ]);
    const served = (await (await fetch(`${s.url}/v1/predict?model=second`, { method: 'POST', body: readFileSync(images[1]!) })).json()) as { probability: number; model: string };
    const cli = spawnSync(process.execPath, [BIN, 'predict', images[1]!, '--bundle', bundleB, '--runtime', 'onnx:cpu'], { encoding: 'utf8', env: { ...process.env, AFFNET_NO_PROGRESS: '1' } });
    expect(cli.status, cli.stderr).toBe(0);
    expect(served.model).toBe('second');
    expect(served.probability).toBeCloseTo((JSON.parse(cli.stdout.trim()) as { probability: number }).probability, 6);

    const body = readFileSync(images[0]!);
    const requests = Array.from({ length: 24 }, () =>
      fetch(`${s.url}/v1/predict`, { method: 'POST', body }).then(
        (r) => r.status,
        (e: unknown) => `lost: ${String((e as { cause?: unknown }).cause ?? e)}`,
      ),
    );
    await Promise.race(requests);
    s.child.kill('SIGTERM');
    const statuses = await Promise.all(requests);
    expect(statuses.filter((x) => typeof x === 'string')).toEqual([]);
    expect(statuses.every((x) => x === 200 || x === 503)).toBe(true);
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThan(0);
    expect(await s.exit).toBe(0);
    expect(s.stderr()).toContain('draining');
    // the request log: one JSON line per request, no request content
    const logLines = s
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThanOrEqual(26);
    expect(s.stderr()).not.toContain('img-0');
  });

  it('refuses to listen beyond loopback without a token, before loading anything', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--bundle', bundleA, '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', env: { ...process.env, AFFNET_TOKEN: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--token/);
  });
});

describe.skipIf(Boolean(orthancMissing))('affnet predict --dicomweb', () => {
  let orthanc: Orthanc;
  let study: string;
  beforeAll(async () => {
    orthanc = await startOrthanc();
    await generateCohort({ out: join(dir, 'cohort'), patients: 1, imagesPerPatient: [2, 2], height: [300, 320], seed: 12, dicom: true, workers: 0 });
    const folder = join(dir, 'cohort', 'dicom', readdirSync(join(dir, 'cohort', 'dicom'))[0]!);
    for (const f of readdirSync(folder)) {
      const bytes = readFileSync(join(folder, f));
      study = String(readDicomAttributes(bytes).StudyInstanceUID);
      await orthanc.upload(bytes);
    }
  }, 120_000);
  afterAll(async () => orthanc?.stop());

  it('classifies the study, stores a capture and an SR per image, and a rerun stores nothing new', async () => {
    const run = () =>
      spawnSync(process.execPath, [BIN, 'predict', '--dicomweb', orthanc.dicomweb, '--study', study, '--bundle', bundleA], { encoding: 'utf8', env: { ...process.env, AFFNET_NO_PROGRESS: '1' } });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    const lines = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; prediction?: { probability: number }; stored?: object });
    expect(lines.filter((l) => l.status === 'classified')).toHaveLength(2);
    expect(lines.every((l) => l.status !== 'classified' || (l.stored && l.prediction!.probability >= 0))).toBe(true);
    expect(await orthanc.instanceCount()).toBe(6);
    const again = run();
    expect(again.status, again.stderr).toBe(0);
    expect(await orthanc.instanceCount()).toBe(6);
    expect(again.stderr).toContain('2 classified, 4 skipped');
    const bad = spawnSync(process.execPath, [BIN, 'predict', '--dicomweb', orthanc.dicomweb, '--bundle', bundleA], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--study');
  });
});
