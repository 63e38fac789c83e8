/** Shared helpers for the CLI tests: output capture, a tiny bundle and tiny images. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { buildNetwork, createBundleManifest, createRng, encodePng, initWeights, writeBundle, type Architecture, type PathwayName } from '@affnet/core';

export const io = { out: '', err: '' };

/** Capture stdout/stderr of runCli for every test of the file. */
export function captureOutput(): void {
  beforeEach(() => {
    io.out = '';
    io.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((io.out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((io.err += String(s)), true));
    process.env.AFFNET_NO_PROGRESS = '1';
  });
  afterEach(() => vi.restoreAllMocks());
}

/** A randomly initialised bundle (seeded), small enough for tests: ResNet18 at 32 px by default. */
export async function writeTinyBundle(dir: string, options: { architecture?: Architecture; inputSize?: number; pathway?: PathwayName } = {}): Promise<string> {
  const architecture = options.architecture ?? 'resnet18';
  const inputSize = options.inputSize ?? 32;
  const graph = buildNetwork(architecture, { inputSize, numClasses: 2 });
  const manifest = createBundleManifest({
    architecture,
    inputSize,
    labels: ['AFF', 'NFF'],
    positiveLabel: 'AFF',
    pathway: options.pathway ?? 'automated',
    tool: 'test',
    initialisation: 'random',
    seed: 3,
  });
  await writeBundle(dir, { manifest, weights: initWeights(graph, 3) });
  return dir;
}

/** `count` 16-bit PNGs of 48×40 with a bright bar (horizontal for even i: AFF, steep for odd i: NFF), two per patient, and a CSV manifest with clicks. */
export async function writeTinyImages(dir: string, count: number, seed = 5): Promise<{ files: string[]; manifest: string }> {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(seed);
  const files: string[] = [];
  const rows = ['path,label,patientId,fx,fy,ax,ay'];
  for (let i = 0; i < count; i++) {
    const W = 48;
    const H = 40;
    const data = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const onBar = i % 2 === 0 ? Math.abs(y - 20) < 2 : Math.abs(x - 24 - (y - 20) / 2) < 2;
        data[y * W + x] = 5000 + (onBar ? 30000 : 0) + rng.uniform(0, 3000);
      }
    }
    const name = `img-${String(i).padStart(2, '0')}.png`;
    writeFileSync(join(dir, name), await encodePng({ width: W, height: H, data }, { bitDepth: 16, range: [0, 65535] }));
    files.push(join(dir, name));
    const label = i % 2 === 0 ? 'AFF' : 'NFF';
    // two images per patient, of one class: patients AFF0 (images 0, 2), NFF0 (1, 3), AFF1 (4, 6) …
    rows.push(`${name},${label},${label}${Math.floor(i / 4)},24,20,24,4`);
  }
  const manifest = join(dir, 'manifest.csv');
  writeFileSync(manifest, `${rows.join('\n')}\n`);
  return { files, manifest };
}
