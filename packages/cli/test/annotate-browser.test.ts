/**
 * `affnet annotate` in a real browser: playwright-core driving Debian's chromium (installed by .ci/run;
 * elsewhere the test skips and says why, and with CI=true a missing browser fails it). On phantom
 * radiographs it clicks the ground-truth fracture and axis points after zooming and panning, and
 * checks that the saved coordinates map back to the original pixel grid within one pixel, that the
 * crop preview is core's crop, undo, skip, flag with a reason, reload/resume, a restart of the server
 * on the same file, and that a request without the run's token is refused.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { loadManifest, preprocess, readRadiograph, type PreprocessingSpec } from '@affnet/core';
import { generateCohort } from '@affnet/phantom';
import { AnnotationStore, type AnnotateItem } from '../src/annotate/store.js';
import { startAnnotateServer, type AnnotateServer } from '../src/annotate/server.js';

const CHROMIUM = [process.env.AFFNET_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => Boolean(p) && existsSync(p!));
const skipReason = CHROMIUM ? undefined : 'no chromium found (apt-get install chromium, or set AFFNET_CHROMIUM)';
if (skipReason && process.env.CI === 'true') throw new Error(`CI run without chromium: ${skipReason}`);
if (skipReason) console.warn(`annotate browser tests skipped: ${skipReason}`);

const spec: PreprocessingSpec = { pathway: 'intervention', inputSize: 128, normalisation: 'zscore' };

describe.skipIf(!CHROMIUM)('affnet annotate in chromium', () => {
  let dir: string;
  let items: AnnotateItem[];
  let truth: Array<{ fracture: { x: number; y: number }; axis: { x: number; y: number } }>;
  let server: AnnotateServer;
  let out: string;
  // biome-ignore lint/suspicious/noExplicitAny: playwright types are loaded dynamically
  let browser: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let page: any;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'affnet-annotate-'));
    await generateCohort({ out: join(dir, 'cohort'), patients: 2, imagesPerPatient: [2, 2], height: [320, 360], seed: 7, dicom: false, workers: 0 });
    const manifest = await loadManifest(join(dir, 'cohort', 'manifest.csv'));
    items = manifest.items.map((i) => ({ path: i.path, pathAsWritten: i.path, label: i.label, patientId: i.patientId }));
    // The ground truth: the phantom's own clicks (fracture centre, a point on the shaft axis), in original pixels.
    truth = manifest.items.map((i) => i.clicks!);
    out = join(dir, 'clicks.csv');
    server = await startAnnotateServer({ store: new AnnotationStore(out, items), spec });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ready = () => page.waitForFunction(() => document.body.dataset.ready === 'yes' && window.affnet.view.width > 0);
  /** Page coordinates of an original-image point, through the page's current zoom and pan. */
  const screenOf = async (p: { x: number; y: number }) =>
    page.evaluate((q: { x: number; y: number }) => {
      const o = window.affnet.canvasOrigin();
      const s = window.affnet.toScreen(q.x, q.y);
      return { x: o.x + s.x, y: o.y + s.y };
    }, p);
  const clickImage = async (p: { x: number; y: number }) => {
    const s = await screenOf(p);
    await page.mouse.click(s.x, s.y);
  };
  const saved = () => readFileSync(out, 'utf8');

  it('refuses requests without the run token', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/api/state?token=wrong`)).status).toBe(403);
    expect((await fetch(`${base}/api/state?token=${server.token}`)).status).toBe(200);
  });

  it("saves clicks made after zoom and pan within a pixel of the true points, and previews core's crop", async () => {
    await page.goto(server.url);
    await ready();
    expect(await page.textContent('#progress')).toContain(`1 of ${items.length}`);
    // Zoom in around a point, then pan: the clicks must still land on the right original pixels.
    const t = truth[0]!;
    const fitScale = await page.evaluate(() => window.affnet.view.scale);
    const c = await screenOf({ x: (t.fracture.x + t.axis.x) / 2, y: (t.fracture.y + t.axis.y) / 2 });
    await page.mouse.move(c.x, c.y);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((s0: number) => window.affnet.view.scale > s0 * 1.3, fitScale);
    await page.mouse.move(c.x + 40, c.y + 30);
    await page.mouse.down();
    await page.mouse.move(c.x - 20, c.y - 10, { steps: 5 });
    await page.mouse.up();
    const zoom = await page.evaluate(() => window.affnet.view.scale);
    await clickImage(truth[0]!.fracture);
    await clickImage(truth[0]!.axis);
    await page.waitForFunction(() => !(document.getElementById('accept') as HTMLButtonElement).disabled);
    const clicked = await page.evaluate(() => window.affnet.view.clicks);
    // Zoomed in (one screen pixel is less than an image pixel) and panned.
    expect(zoom).toBeGreaterThan(fitScale * 1.3);
    for (const [k, p] of [truth[0]!.fracture, truth[0]!.axis].entries()) {
      expect(Math.abs(clicked[k].x - p.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(clicked[k].y - p.y)).toBeLessThanOrEqual(1);
    }
    // The preview is core's intervention crop of those clicks.
    const previewPng = Buffer.from(
      await page.evaluate(async () => {
        const blob = await (await fetch((document.getElementById('preview') as HTMLImageElement).src)).blob();
        return Array.from(new Uint8Array(await blob.arrayBuffer()));
      }),
    );
    const shown = await sharp(previewPng).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect([shown.info.width, shown.info.height]).toEqual([spec.inputSize, spec.inputSize]);
    const r = await readRadiograph(items[0]!.path);
    const p = preprocess(r, spec, { clicks: { fracture: clicked[0], axis: clicked[1] } });
    const plane = Array.from({ length: spec.inputSize ** 2 }, (_, i) => p.data[i * 3]!);
    const lo = Math.min(...plane);
    const hi = Math.max(...plane);
    let worst = 0;
    for (let i = 0; i < plane.length; i++) worst = Math.max(worst, Math.abs(shown.data[i]! - ((plane[i]! - lo) / (hi - lo)) * 255));
    expect(worst).toBeLessThanOrEqual(1);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.affnet.view.index === 1 && document.body.dataset.ready === 'yes');
    const m = await loadManifest(out);
    const row = m.items.find((i) => i.path === items[0]!.path)!;
    expect(row.label).toBe(items[0]!.label);
    expect(Math.abs(row.clicks!.fracture.x - truth[0]!.fracture.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(row.clicks!.fracture.y - truth[0]!.fracture.y)).toBeLessThanOrEqual(1);
    expect(Math.abs(row.clicks!.axis.x - truth[0]!.axis.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(row.clicks!.axis.y - truth[0]!.axis.y)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('undo takes back the last click; skip and flag (with a reason) are saved', async () => {
    // Image 2: a wrong second click, undone, then the right one.
    await clickImage(truth[1]!.fracture);
    await clickImage({ x: 5, y: 5 });
    await page.waitForFunction(() => window.affnet.view.clicks.length === 2);
    await page.keyboard.press('u');
    expect(await page.evaluate(() => window.affnet.view.clicks.length)).toBe(1);
    await clickImage(truth[1]!.axis);
    await page.waitForFunction(() => !(document.getElementById('accept') as HTMLButtonElement).disabled);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.affnet.view.index === 2 && document.body.dataset.ready === 'yes');
    // Image 3 skipped, image 4 flagged.
    await page.keyboard.press('s');
    await page.waitForFunction(() => window.affnet.view.index === 3 && document.body.dataset.ready === 'yes');
    page.once('dialog', (d: { accept(text: string): Promise<void> }) => d.accept('motion blur'));
    await page.keyboard.press('f');
    await page.waitForFunction(() => document.getElementById('msg')!.textContent!.includes('All images decided'));
    const m = await loadManifest(out);
    const second = m.items.find((i) => i.path === items[1]!.path)!;
    expect(Math.abs(second.clicks!.axis.x - truth[1]!.axis.x)).toBeLessThanOrEqual(1);
    const lines = saved().trim().split('\n');
    expect(lines[0]).toBe('path,label,patientId,fx,fy,ax,ay,status,reason');
    expect(lines[3]).toMatch(/,skipped,$/);
    expect(lines[4]).toMatch(/,flagged,motion blur$/);
    // A skipped or flagged row has no clicks, so train / cv leave it out of the intervention pathway.
    expect(m.items.find((i) => i.path === items[2]!.path)!.clicks).toBeUndefined();
  }, 60_000);

  it('resumes after a reload and after a restart of the server on the same file', async () => {
    // Reopen image 3 through the API (the page's redo), then reload: the page opens the first open image.
    await fetch(`http://127.0.0.1:${server.port}/api/reopen/2?token=${server.token}`, { method: 'POST', body: '{}' });
    await page.reload();
    await ready();
    expect(await page.evaluate(() => window.affnet.view.index)).toBe(2);
    await server.close();
    const before = saved();
    server = await startAnnotateServer({ store: new AnnotationStore(out, items), spec });
    await page.goto(server.url);
    await ready();
    expect(await page.evaluate(() => window.affnet.view.index)).toBe(2);
    const state = await (await fetch(`http://127.0.0.1:${server.port}/api/state?token=${server.token}`)).json();
    expect(state.items.map((i: { status: string }) => i.status)).toEqual(['done', 'done', 'open', 'flagged']);
    expect(saved()).toBe(before);
  }, 60_000);
});

describe.skipIf(!CHROMIUM)('affnet annotate with an aligner: suggested points', () => {
  it("shows the aligner's points on an open image; Enter accepts them, a click starts the user's own pair", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affnet-annotate-suggest-'));
    const { alignRadiograph, trainAligner } = await import('@affnet/core');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      await generateCohort({ out: join(dir, 'cohort'), patients: 3, imagesPerPatient: [2, 2], height: [300, 320], seed: 9, dicom: false, workers: 0 });
      const m = await loadManifest(join(dir, 'cohort', 'manifest.csv'));
      const rs = await Promise.all(m.items.map((i) => readRadiograph(i.path)));
      const aligner = trainAligner(
        rs.map((r, i) => ({ radiograph: r, clicks: m.items[i]!.clicks! })),
        { grid: 32, epochs: 2 },
      );
      const items = m.items.slice(0, 2).map((i) => ({ path: i.path, pathAsWritten: i.path, label: i.label }));
      const out = join(dir, 'clicks.csv');
      const server = await startAnnotateServer({ store: new AnnotationStore(out, items), spec, aligner });
      const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
      await page.goto(server.url);
      await page.waitForFunction(() => document.body.dataset.ready === 'yes' && window.affnet.view.suggested && !(document.getElementById('accept') as HTMLButtonElement).disabled);
      const expected = alignRadiograph(aligner, rs[0]!).clicks;
      expect(await page.evaluate(() => window.affnet.view.clicks)).toEqual([expected.fracture, expected.axis]);
      expect(await page.textContent('#step')).toContain('Suggested by the aligner');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => window.affnet.view.index === 1 && document.body.dataset.ready === 'yes' && window.affnet.view.suggested);
      expect((await loadManifest(out)).items[0]!.clicks).toEqual(expected);
      // Image 2: a click replaces the suggestion with the user's own first point.
      const o = await page.evaluate(() => {
        const c = window.affnet.canvasOrigin();
        const s = window.affnet.toScreen(20, 30);
        return { x: c.x + s.x, y: c.y + s.y };
      });
      await page.mouse.click(o.x, o.y);
      const view = await page.evaluate(() => window.affnet.view);
      expect(view.suggested).toBe(false);
      expect(view.clicks).toHaveLength(1);
      expect(Math.abs(view.clicks[0]!.x - 20)).toBeLessThanOrEqual(1);
      await server.close();
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

declare global {
  interface Window {
    affnet: {
      toScreen(x: number, y: number): { x: number; y: number };
      toImage(x: number, y: number): { x: number; y: number };
      canvasOrigin(): { x: number; y: number };
      view: { scale: number; ox: number; oy: number; index: number; clicks: { x: number; y: number }[]; suggested: boolean; width: number; height: number };
    };
  }
}
