import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectFiles } from '../src/batch/collect-files.js';

describe('collectFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-collect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes links to image files in folders (test sets assembled from links), not links to folders or dangling links', () => {
    const store = join(dir, 'store');
    const set = join(dir, 'set');
    mkdirSync(store);
    mkdirSync(set);
    writeFileSync(join(store, 'a.jpg'), 'x');
    writeFileSync(join(store, 'b.png'), 'x');
    writeFileSync(join(store, 'notes.txt'), 'x');
    symlinkSync(join(store, 'a.jpg'), join(set, 'a.jpg'));
    symlinkSync(join(store, 'b.png'), join(set, 'b.png'));
    symlinkSync(join(store, 'notes.txt'), join(set, 'notes.txt'));
    symlinkSync(join(store, 'missing.jpg'), join(set, 'gone.jpg'));
    symlinkSync(store, join(set, 'loop')); // a link to a folder (could make a cycle): not followed
    writeFileSync(join(set, 'c.dcm'), 'x');
    expect(collectFiles([set]).map((f) => f.slice(set.length + 1))).toEqual(['a.jpg', 'b.png', 'c.dcm']);
  });
});
