import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, parseManifest, type ParseManifestOptions } from '../../src/data/index.js';
import { AffnetError } from '../../src/errors.js';

const at = { file: 'manifest.csv', baseDir: '/data/cohort' };

function errorOf(fn: () => unknown): AffnetError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AffnetError) return e;
    throw e;
  }
  throw new Error('expected an AffnetError');
}

describe('parseManifest: reading', () => {
  it('reads path, label, patient id and resolves paths against the manifest folder', () => {
    const m = parseManifest('path,label,patientId\nimg/a.png,AFF,p1\n/abs/b.png,NFF,p2\n', at);
    expect(m).toEqual({
      file: 'manifest.csv',
      baseDir: '/data/cohort',
      labels: ['AFF', 'NFF'],
      positive: 'AFF',
      patientIdsKnown: true,
      items: [
        { path: '/data/cohort/img/a.png', pathAsWritten: 'img/a.png', label: 'AFF', patientId: 'p1', line: 2 },
        { path: '/abs/b.png', pathAsWritten: '/abs/b.png', label: 'NFF', patientId: 'p2', line: 3 },
      ],
    });
  });

  it.each<[string, string]>([
    ['aliases with other spelling', 'Image,Class,Patient ID,View Position\na.png,AFF,p1,AP\n'],
    ['file / diagnosis / patient_id / projection', 'file,diagnosis,patient_id,projection\na.png,AFF,p1,AP\n'],
    ['quoted headers, BOM, CRLF, semicolons', '\uFEFF"path";"label";"subject";"view"\r\na.png;AFF;p1;AP\r\n'],
  ])('header aliases: %s', (_name, text) => {
    const m = parseManifest(text, at);
    expect(m.items[0]).toMatchObject({ path: '/data/cohort/a.png', label: 'AFF', patientId: 'p1', view: 'AP' });
    expect(m.patientIdsKnown).toBe(true);
  });

  it('without a patient column each image is its own patient', () => {
    const m = parseManifest('path,label\na.png,AFF\nb.png,AFF\n', at);
    expect(m.patientIdsKnown).toBe(false);
    expect(m.items.map((i) => i.patientId)).toEqual(['/data/cohort/a.png', '/data/cohort/b.png']);
  });

  it('reads click points, the view and keeps other columns', () => {
    const m = parseManifest('path,label,patientId,view,fx,fy,ax,ay,side\na.png,AFF,p1,AP,10.5,20,12,300,left\nb.png,NFF,p2,,,,,,right\n', at);
    expect(m.items[0]).toMatchObject({ view: 'AP', clicks: { fracture: { x: 10.5, y: 20 }, axis: { x: 12, y: 300 } }, extra: { side: 'left' } });
    expect(m.items[1]!.clicks).toBeUndefined();
    expect(m.items[1]!.view).toBeUndefined();
  });

  it('imageDir is resolved against the manifest folder', () => {
    const m = parseManifest('path,label\na.png,AFF\n', { ...at, imageDir: 'images' });
    expect(m.items[0]!.path).toBe('/data/cohort/images/a.png');
    expect(m.baseDir).toBe('/data/cohort/images');
  });

  it('maps columns and label values (FracAtlas style)', () => {
    const m = parseManifest('image,fractured,hip\nimages/x.jpg,1,0\nimages/y.jpg,0,1\n', {
      ...at,
      columns: { path: 'image', label: 'fractured' },
      labels: { '1': 'fracture', '0': 'no_fracture' },
      positive: 'fracture',
    });
    expect(m.labels).toEqual(['fracture', 'no_fracture']);
    expect(m.positive).toBe('fracture');
    expect(m.items.map((i) => [i.label, i.extra])).toEqual([
      ['fracture', { hip: '0' }],
      ['no_fracture', { hip: '1' }],
    ]);
  });

  it('an explicitly mapped label column leaves a column named "label" as an extra one', () => {
    const m = parseManifest('path,label,truth\na.png,old,AFF\n', { ...at, columns: { label: 'truth' } });
    expect(m.items[0]).toMatchObject({ label: 'AFF', extra: { label: 'old' } });
  });

  it.each<[string, string, ParseManifestOptions]>([
    ['an array of rows', '[{"path":"a.png","label":"AFF","patientId":"p1","fx":1,"fy":2,"ax":3,"ay":40}]', {}],
    [
      'an affnet-manifest object',
      '{"format":"affnet-manifest","version":1,"labels":["AFF","NFF"],"positive":"AFF","items":[{"path":"a.png","label":"AFF","patientId":"p1","fx":1,"fy":2,"ax":3,"ay":40}]}',
      {},
    ],
  ])('JSON: %s', (_name, text, options) => {
    const m = parseManifest(text, { file: 'manifest.json', baseDir: '/d', ...options });
    expect(m.items).toEqual([{ path: '/d/a.png', pathAsWritten: 'a.png', label: 'AFF', patientId: 'p1', clicks: { fracture: { x: 1, y: 2 }, axis: { x: 3, y: 40 } } }]);
  });

  it('JSON declares custom labels, so no options are needed', () => {
    const m = parseManifest('{"labels":["fracture","none"],"positive":"fracture","items":[{"path":"a.png","label":"none"}]}', { file: 'm.json', baseDir: '/d' });
    expect([m.labels, m.positive, m.items[0]!.label]).toEqual([['fracture', 'none'], 'fracture', 'none']);
  });
});

describe('parseManifest: errors cite line and column', () => {
  it.each<[string, string, string, number | undefined]>([
    ['label not in the set', 'path,label\na.png,AFF\nb.png,AFFF\n', "manifest.csv:3: column 'label': 'AFFF' is not one of AFF, NFF", 3],
    ['empty label', 'path,label\na.png,\n', "manifest.csv:2: column 'label': is empty (expected one of AFF, NFF)", 2],
    ['empty path', 'path,label\n,AFF\n', "manifest.csv:2: column 'path': is empty", 2],
    ['empty patient id', 'path,label,patientId\na.png,AFF,p1\nb.png,NFF,\n', "manifest.csv:3: column 'patientId': is empty (give every image a patient id, or leave the column out)", 3],
    ['coordinate not a number', 'path,label,fx,fy,ax,ay\na.png,AFF,1x,2,3,4\n', "manifest.csv:2: column 'fx': '1x' is not a number", 2],
    ['negative coordinate', 'path,label,fx,fy,ax,ay\na.png,AFF,1,-2,3,4\n', "manifest.csv:2: column 'fy': '-2' is negative (pixel coordinates start at 0)", 2],
    [
      'axis point equals fracture point',
      'path,label,fx,fy,ax,ay\na.png,AFF,5,6,5,6\n',
      "manifest.csv:2: column 'ax': the axis point equals the fracture point, so the shaft direction is undefined",
      2,
    ],
    ['wrong number of fields', 'path,label\na.png,AFF\nb.png,NFF,x\n', 'manifest.csv:3: expected 2 fields (path, label), found 3', 3],
    ['repeated image', 'path,label\na.png,AFF\n./a.png,NFF\n', "manifest.csv:3: column 'path': './a.png' repeats the image of line 2", 3],
    ['unclosed quote', 'path,label\n"a.png,AFF\n', 'manifest.csv:2: quoted field is not closed (missing ")', 2],
    [
      'no label column',
      'path,kind\na.png,AFF\n',
      'manifest.csv:1: no label column (accepted names: label, class, diagnosis, target; or map one with the columns.label option); the columns are: path, kind',
      1,
    ],
    ['two path columns', 'path,image,label\na,b,AFF\n', "manifest.csv:1: columns 'path' and 'image' both name the path field; keep one, or choose one with the columns.path option", 1],
    ['incomplete click columns', 'path,label,fx,fy\na.png,AFF,1,2\n', 'manifest.csv:1: click columns come as all four of fx, fy, ax, ay; missing: ax, ay', 1],
    ['repeated header', 'path,label,Label\na,AFF,AFF\n', "manifest.csv:1: column 'Label' appears twice (columns 2 and 3)", 1],
    ['only a header', 'path,label\n', 'manifest.csv: the manifest lists no images', undefined],
    ['empty file', '\uFEFF\r\n', 'manifest.csv: the manifest is empty (expected a header line)', undefined],
  ])('%s', (_name, text, message, line) => {
    const e = errorOf(() => parseManifest(text, at));
    expect(e.code).toBe('E_MANIFEST_INVALID');
    expect(e.message).toBe(message);
    expect(e.line).toBe(line);
    expect(e.file).toBe('manifest.csv');
  });

  it('a row with clicks half given names each empty click column', () => {
    const e = errorOf(() => parseManifest('path,label,fx,fy,ax,ay\na.png,AFF,1,2,,\n', at));
    const msg = 'is empty while other click columns are set (give all four of fx, fy, ax, ay, or none)';
    expect(e.message).toBe(`manifest.csv:2: column 'ax': ${msg}\nmanifest.csv:2: column 'ay': ${msg}`);
  });

  it('reports up to 20 problems, then how many more', () => {
    const rows = Array.from({ length: 25 }, (_, i) => `x${i}.png,BAD`).join('\n');
    const lines = errorOf(() => parseManifest(`path,label\n${rows}\n`, at)).message.split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe("manifest.csv:2: column 'label': 'BAD' is not one of AFF, NFF");
    expect(lines[19]).toBe("manifest.csv:21: column 'label': 'BAD' is not one of AFF, NFF");
    expect(lines[20]).toBe('… and 5 more problems');
  });

  it('mapped labels are listed with their class names', () => {
    const e = errorOf(() =>
      parseManifest('image,fractured\nx.jpg,2\n', { ...at, columns: { path: 'image', label: 'fractured' }, labels: { '1': 'fracture', '0': 'no_fracture' }, positive: 'fracture' }),
    );
    expect(e.message).toBe("manifest.csv:2: column 'fractured': '2' is not one of 1 (fracture), 0 (no_fracture)");
  });

  it.each<[string, string, string]>([
    ['JSON row label', '[{"path":"a.png","label":"AFF"},{"path":"b.png","label":"aff"}]', "manifest.json: items[1].label: 'aff' is not one of AFF, NFF"],
    [
      'JSON row missing a key others have',
      '[{"path":"a.png","label":"AFF","patientId":"p"},{"path":"b.png","label":"NFF"}]',
      'manifest.json: items[1].patientId: is empty (give every image a patient id, or leave the column out)',
    ],
    ['JSON not parseable', '[{"path":', 'manifest.json: not valid JSON'],
    ['JSON wrong shape', '{"items":[{"path":{"x":1}}]}', 'manifest.json: expected an array of rows or { "format": "affnet-manifest", "items": [...] }'],
  ])('%s', (_name, text, start) => {
    const e = errorOf(() => parseManifest(text, { file: 'manifest.json', baseDir: '/d' }));
    expect(e.code).toBe('E_MANIFEST_INVALID');
    expect(e.message.startsWith(start)).toBe(true);
  });

  it.each<[string, ParseManifestOptions, string]>([
    ['custom labels without a positive class', { labels: ['yes', 'no'] }, 'positive: required with custom labels (yes, no); name the class to count as positive'],
    ['a positive class outside the labels', { positive: 'AFFX' }, 'positive: unknown value "AFFX". Did you mean "AFF"? Available: AFF, NFF'],
    ['three classes', { labels: ['a', 'b', 'c'], positive: 'a' }, 'labels: a manifest has exactly two non-empty classes; got 3 (a, b, c)'],
    ['an unknown mapped field', { columns: { image: 'x' } as never }, 'columns: unknown value "image". Available: path, label, patientId, view, fx, fy, ax, ay'],
  ])('option error: %s', (_name, options, message) => {
    const e = errorOf(() => parseManifest('path,label\na.png,AFF\n', { ...at, ...options }));
    expect(e.code).toBe('E_OPTION_INVALID');
    expect(e.message).toBe(message);
  });

  it('a mapped column that is absent names the columns there are', () => {
    const e = errorOf(() => parseManifest('path,label\na.png,AFF\n', { ...at, columns: { patientId: 'subject_id' } }));
    expect(e.message).toBe("manifest.csv:1: column 'subject_id' (given for patientId) not found; the columns are: path, label");
  });
});

describe('loadManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-manifest-'));
  writeFileSync(join(dir, 'a.png'), '');
  writeFileSync(join(dir, 'cohort.csv'), 'path,label,patientId\na.png,AFF,p1\nmissing.png,NFF,p2\n');
  writeFileSync(join(dir, 'cohort.json'), '[{"path":"a.png","label":"NFF"}]');

  it('resolves paths against the file folder and picks the format from the extension', async () => {
    const csv = await loadManifest(join(dir, 'cohort.csv'));
    expect(csv.items.map((i) => i.path)).toEqual([join(dir, 'a.png'), join(dir, 'missing.png')]);
    const json = await loadManifest(join(dir, 'cohort.json'));
    expect([json.items[0]!.path, json.patientIdsKnown]).toEqual([join(dir, 'a.png'), false]);
  });

  it('checkFiles lists the missing images with their lines', async () => {
    const file = join(dir, 'cohort.csv');
    await expect(loadManifest(file, { checkFiles: true })).rejects.toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      message: `${file}: 1 of 2 images not found:\n${file}:3: ${join(dir, 'missing.png')}`,
    });
  });

  it('a missing manifest is E_FILE_NOT_FOUND naming it', async () => {
    const file = join(dir, 'nope.csv');
    await expect(loadManifest(file)).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND', file, message: `${file}: manifest not found` });
  });
});
