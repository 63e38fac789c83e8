#!/usr/bin/env node
/**
 * Screenshots of the `affnet annotate` page for the docs: a phantom radiograph (its ground-truth
 * points clicked) and a real DICOM (the shared hip radiograph, two points on its femoral shaft).
 * Needs chromium (apt-get install chromium) and the built CLI.
 *
 *   node packages/cli/scripts/annotate-screenshots.mjs [--data ../shared/data] [--out packages/cli/docs]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { loadManifest } from '@affnet/core';
import { generateCohort } from '@affnet/phantom';
import { AnnotationStore } from '../dist/annotate/store.js';
import { startAnnotateServer } from '../dist/annotate/server.js';

const { values: a } = parseArgs({ options: { data: { type: 'string', default: process.env.AFFNET_DATA_DIR ?? '../shared/data' }, out: { type: 'string', default: 'packages/cli/docs' } } });
const dir = mkdtempSync(join(tmpdir(), 'affnet-shots-'));
await generateCohort({ out: join(dir, 'cohort'), patients: 1, imagesPerPatient: [1, 1], height: [700, 700], seed: 3, dicom: false, workers: 0 });
const phantom = (await loadManifest(join(dir, 'cohort', 'manifest.csv'))).items[0];
const dicom = join(a.data, 'dicom', 'real-radiographs', 'RG2_JPLL.dcm');
const items = [
  { path: phantom.path, pathAsWritten: 'phantom/PH0001-1.png', label: phantom.label },
  { path: dicom, pathAsWritten: 'RG2_JPLL.dcm' },
];
// The hip DICOM (2140 rows × 1760 columns): two points on the proximal femoral shaft, read off the image by eye.
const points = [phantom.clicks, { fracture: { x: 1307, y: 1257 }, axis: { x: 1187, y: 1016 } }];
const server = await startAnnotateServer({ store: new AnnotationStore(join(dir, 'clicks.csv'), items), spec: { pathway: 'intervention', inputSize: 256, normalisation: 'zscore' } });
const browser = await chromium.launch({ executablePath: process.env.AFFNET_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
await page.goto(server.url);
for (const [i, name] of ['annotate-phantom.png', 'annotate-dicom.png'].entries()) {
  await page.waitForFunction((k) => document.body.dataset.ready === 'yes' && window.affnet.view.index === k, i);
  for (const p of [points[i].fracture, points[i].axis]) {
    const s = await page.evaluate((q) => {
      const o = window.affnet.canvasOrigin();
      const t = window.affnet.toScreen(q.x, q.y);
      return { x: o.x + t.x, y: o.y + t.y };
    }, p);
    await page.mouse.click(s.x, s.y);
  }
  await page.waitForFunction(() => !document.getElementById('accept').disabled);
  await page.screenshot({ path: join(a.out, name) });
  console.log(join(a.out, name));
  await page.keyboard.press('Enter');
}
await browser.close();
await server.close();
