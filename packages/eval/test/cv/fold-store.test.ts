import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FoldStore } from '../../src/cv/fold-store.js';
import type { FoldRecord } from '../../src/results/experiment.js';

// An older file's warning was a plain string: typed as the stored JSON, not as what reading gives.
const record = (hash: string): Omit<FoldRecord, 'warnings'> & { warnings: unknown[] } => ({
  architecture: 'resnet18',
  pathway: 'automated',
  fold: 0,
  folds: 2,
  seed: 0,
  configHash: hash,
  train: { images: 2, patients: 2 },
  test: { images: 1, patients: 1 },
  history: [],
  bestEpoch: 1,
  predictions: [{ id: 'a.png', patientId: 'p', label: 'AFF', truth: 1, probability: 0.7 }],
  threshold: 0.5,
  runtime: { backend: 'tfjs', engine: 'wasm' },
  durationMs: 1,
  camCases: [],
  warnings: ['an old string warning'],
});

describe('FoldStore: a fold file that cannot be reused is recomputed, and the store says why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-folds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = new FoldStore(dir);
  mkdirSync(join(dir, 'folds'), { recursive: true });

  it.each([
    ['absent', undefined, undefined],
    ['torn JSON', '{"architecture": "res', /is unreadable \(.*JSON.*\); the fold is recomputed$/],
    ['another schema', '{"architecture": 3}', /is not a valid fold record \(.*\); the fold is recomputed$/],
    ['other settings', JSON.stringify(record('other')), /was computed with other settings; the fold is recomputed$/],
  ])('%s', (_name, text, reason) => {
    const key = `k-${_name.replace(/\W/g, '')}`;
    if (text !== undefined) writeFileSync(store.foldFile(key), text);
    expect(store.load(key, 'h')).toBeUndefined();
    if (reason) expect(store.discarded.get(key)).toMatch(reason);
    else expect(store.discarded.has(key)).toBe(false);
  });

  it('a valid fold is reused; a plain-string warning of an older file reads as a note', () => {
    store.save('good', record('h') as FoldRecord);
    expect(store.load('good', 'h')?.warnings).toEqual([{ kind: 'note', detail: 'an old string warning' }]);
    expect(store.discarded.has('good')).toBe(false);
  });
});
