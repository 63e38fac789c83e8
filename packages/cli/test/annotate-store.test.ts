/**
 * What `affnet annotate` keeps: every decision in an fsynced append-only log and the clicks file
 * rewritten whole (write, rename) after each one; a rerun replays the log; a kill mid-write (a cut
 * last log line) loses nothing that was confirmed; the file is read by `--clicks` and as a manifest.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifest } from '@affnet/core';
import { AnnotationStore, type AnnotateItem } from '../src/annotate/store.js';
import { readClicksFile } from '../src/options/clicks.js';

describe('annotation store', () => {
  let dir: string;
  let items: AnnotateItem[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'affnet-store-'));
    items = ['a.png', 'b.png', 'c.png'].map((n, i) => ({ path: join(dir, n), pathAsWritten: n, label: i === 0 ? 'AFF' : 'NFF', patientId: `P${i}` }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves each decision at once, resumes at the first open image, and survives a cut last log line', async () => {
    const out = join(dir, 'clicks.csv');
    const s = new AnnotationStore(out, items);
    expect(s.firstOpen()).toBe(0);
    s.decide(0, { status: 'done', clicks: { fracture: { x: 10.5, y: 20 }, axis: { x: 11, y: 2 } } });
    s.decide(1, { status: 'flagged', reason: 'rotated, "no" shaft' });
    expect(readFileSync(out, 'utf8')).toBe('path,label,patientId,fx,fy,ax,ay,status,reason\na.png,AFF,P0,10.5,20,11,2,done,\nb.png,NFF,P1,,,,,flagged,"rotated, ""no"" shaft"\nc.png,NFF,P2,,,,,,\n');
    // A kill while appending leaves half a line: it was never confirmed, and the rest replays.
    appendFileSync(`${out}.log.jsonl`, '{"path":"c.png","status":"do');
    const again = new AnnotationStore(out, items);
    expect(again.firstOpen()).toBe(2);
    expect(again.decisions.get(0)).toEqual({ status: 'done', clicks: { fracture: { x: 10.5, y: 20 }, axis: { x: 11, y: 2 } } });
    again.reopen(0);
    expect(new AnnotationStore(out, items).firstOpen()).toBe(0);
    // Readable as a manifest (train, cv, evaluate) and by --clicks.
    again.decide(0, { status: 'done', clicks: { fracture: { x: 5, y: 6 }, axis: { x: 5, y: 1 } } });
    const m = await loadManifest(out);
    expect(m.items.map((i) => i.clicks)).toEqual([{ fracture: { x: 5, y: 6 }, axis: { x: 5, y: 1 } }, undefined, undefined]);
    expect([...readClicksFile(out).keys()]).toEqual([join(dir, 'a.png')]);
  });

  it('without a log, resumes from the clicks file itself', () => {
    const out = join(dir, 'clicks.csv');
    writeFileSync(out, 'path,label,fx,fy,ax,ay,status\na.png,AFF,1,2,3,4,done\nb.png,NFF,,,,,skipped\n');
    const s = new AnnotationStore(out, items);
    expect(s.decisions.get(0)?.clicks).toEqual({ fracture: { x: 1, y: 2 }, axis: { x: 3, y: 4 } });
    expect(s.decisions.get(1)?.status).toBe('skipped');
    expect(s.firstOpen()).toBe(2);
  });

  it('folders without labels: a clicks table --clicks reads; bad rows are named', () => {
    const out = join(dir, 'clicks.csv');
    const s = new AnnotationStore(
      out,
      items.map((i) => ({ path: i.path, pathAsWritten: i.pathAsWritten })),
    );
    s.decide(2, { status: 'done', clicks: { fracture: { x: 1, y: 2 }, axis: { x: 1, y: 9 } } });
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('path,fx,fy,ax,ay,status,reason');
    expect(readClicksFile(out).get(join(dir, 'c.png'))).toEqual({ fracture: { x: 1, y: 2 }, axis: { x: 1, y: 9 } });
    writeFileSync(out, 'path,fx,fy,ax,ay\na.png,1,2,,4\n');
    expect(() => readClicksFile(out)).toThrow(/line 2 \(a\.png\): fx, fy, ax, ay must all be numbers/);
    writeFileSync(out, 'path,fx,fy,ax,ay\na.png,1,2,1,2\n');
    expect(() => readClicksFile(out)).toThrow(/line 2 \(a\.png\): the axis point equals the fracture point/);
    writeFileSync(out, 'path,fx,fy\na.png,1,2\n');
    expect(() => readClicksFile(out)).toThrow(/missing: ax, ay/);
  });
});
