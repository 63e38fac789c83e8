import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, parseManifest, saveManifest, writeManifest } from '../../src/data/index.js';

const source = ['path,label,patientId,view,fx,fy,ax,ay,site', 'img/a.png,AFF,p1,AP,10.5,20,12,300,"Lund, SE"', 'img/b c.png,NFF,p1,,,,,,', 'img/d.png,NFF,p2,LAT,1,2,3,4,x'].join('\n');

describe('writeManifest', () => {
  const m = parseManifest(source, { file: 'in.csv', baseDir: '/data/cohort' });

  it('writes CSV with paths relative to a folder, quoting where needed', () => {
    expect(writeManifest(m, { relativeTo: '/data' })).toBe(
      ['path,label,patientId,view,fx,fy,ax,ay,site', 'cohort/img/a.png,AFF,p1,AP,10.5,20,12,300,"Lund, SE"', 'cohort/img/b c.png,NFF,p1,,,,,,', 'cohort/img/d.png,NFF,p2,LAT,1,2,3,4,x', ''].join('\n'),
    );
  });

  it('writes absolute paths by default and leaves out columns nobody has', () => {
    const plain = parseManifest('path,label\na.png,AFF\nb.png,NFF\n', { baseDir: '/d' });
    expect(writeManifest(plain)).toBe('path,label\n/d/a.png,AFF\n/d/b.png,NFF\n');
  });

  it('writes JSON with the classes, numbers as numbers and no empty fields', () => {
    const doc = JSON.parse(writeManifest(m, { format: 'json', relativeTo: '/data/cohort' }));
    expect(doc).toEqual({
      format: 'affnet-manifest',
      version: 1,
      labels: ['AFF', 'NFF'],
      positive: 'AFF',
      items: [
        { path: 'img/a.png', label: 'AFF', patientId: 'p1', view: 'AP', fx: 10.5, fy: 20, ax: 12, ay: 300, site: 'Lund, SE' },
        { path: 'img/b c.png', label: 'NFF', patientId: 'p1', site: '' },
        { path: 'img/d.png', label: 'NFF', patientId: 'p2', view: 'LAT', fx: 1, fy: 2, ax: 3, ay: 4, site: 'x' },
      ],
    });
  });

  it.each(['csv', 'json'] as const)('saveManifest → loadManifest gives the same items (%s)', async (format) => {
    const dir = mkdtempSync(join(tmpdir(), 'affnet-write-'));
    const file = join(dir, `copy.${format}`);
    const custom = parseManifest('image,fractured\n/x/1.jpg,1\n/x/2.jpg,0\n', {
      baseDir: '/x',
      columns: { path: 'image', label: 'fractured' },
      labels: { '1': 'fracture', '0': 'no_fracture' },
      positive: 'fracture',
    });
    for (const original of [parseManifest(source, { baseDir: dir }), custom]) {
      await saveManifest(file, original);
      const options = format === 'csv' && original === custom ? { labels: ['fracture', 'no_fracture'], positive: 'fracture' } : {};
      const back = await loadManifest(file, options);
      const strip = (x: typeof original) => x.items.map(({ line: _l, pathAsWritten: _p, ...rest }) => rest);
      expect(strip(back)).toEqual(strip(original));
      expect([back.labels, back.positive, back.patientIdsKnown]).toEqual([original.labels, original.positive, original.patientIdsKnown]);
    }
    // Paths are written relative to the manifest's folder, so the folder can move with its images.
    const written = relative(dir, '/x/1.jpg');
    expect(readFileSync(file, 'utf8')).toContain(format === 'csv' ? `\n${written},fracture\n` : `"path": "${written}"`);
  });
});
