import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, writeReport } from '../src/report/build.js';
import { renderHtml } from '../src/report/html.js';
import type { ReportDocument } from '../src/report/document.js';
import { uniquifySvgIds } from '../src/report/render-svg.js';
import { makeComparison, makeExperiment, writeOverlays } from './fixtures.js';

const VOID = new Set(['meta', 'img', 'br', 'hr', 'input', 'link', 'col', 'area', 'base', 'source', 'wbr']);

/** Tag-balance check: every non-void element is closed in order (HTML and the inline SVG alike). */
function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  const body = html
    .replace(/<!DOCTYPE[^>]*>/i, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<style>[\s\S]*?<\/style>/, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (selfClosing || VOID.has(name)) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`unexpected </${name}>`);
  }
  return [...problems, ...stack.map((s) => `unclosed <${s}>`)];
}

function tableRow(html: string, caption: string, first: string): string[] {
  const start = html.indexOf(`<caption>${caption}`);
  expect(start, `table "${caption}"`).toBeGreaterThan(-1);
  const table = html.slice(start, html.indexOf('</table>', start));
  const row = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!)).find((cells) => cells[0] === first);
  expect(row, `row "${first}" in "${caption}"`).toBeDefined();
  return row!;
}

describe('HTML report from results', () => {
  let dir: string;
  let html: string;
  let md: string;
  let files: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'affnet-report-'));
    const experiment = makeExperiment(dir);
    await writeOverlays(dir, experiment);
    const doc = await buildReport({ experiment, experimentDir: dir, comparison: makeComparison() }, { bootstrapSamples: 200 });
    const written = writeReport(doc, join(dir, 'report.html'));
    html = readFileSync(written.html, 'utf8');
    md = readFileSync(written.markdown, 'utf8');
    files = written.files;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one well-formed HTML document', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(unbalancedTags(html)).toEqual([]);
    expect(html).toContain('<meta charset="utf-8">');
  });

  it('makes no external requests: no scripts, stylesheets links or remote URLs; images are data URIs', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|@import/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    const srcs = [...html.matchAll(/\bsrc="([^"]*)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBe(16);
    for (const s of srcs) expect(s.startsWith('data:image/png;base64,')).toBe(true);
  });

  it.each([['accuracy-vs-epoch'], ['roc-curves'], ['reliability'], ['runtime-latency']])('has the figure %s as inline SVG', (name) => {
    const at = html.indexOf(`<figure id="fig-${name}">`);
    expect(at).toBeGreaterThan(-1);
    expect(html.slice(at, at + 200)).toContain('<svg');
  });

  it.each([
    // caption, first cell, expected cells (errors per fold written in fixtures.ts)
    ['Table 1. Accuracy per fold, automated pathway', 'ResNet50', ['ResNet50', '1.000', '0.900', '0.800', '0.900', '0.900', '0.900', '0.071']],
    ['Table 1. Accuracy per fold, automated pathway', 'VGG19', ['VGG19', '0.800', '0.800', '0.800', '0.800', '0.800', '0.800', '0.000']],
    ['Table 2. Accuracy per fold, intervention pathway', 'ResNet50', ['ResNet50', '1.000', '1.000', '0.900', '1.000', '1.000', '0.980', '0.045']],
  ])('%s: row %s', (caption, first, expected) => {
    expect(tableRow(html, caption, first)).toEqual(expected);
  });

  it('writes Table 3 as mean (SD): VGG19 automated misses 2 of 5 AFF in every fold', () => {
    const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!));
    const vgg = rows.find((r) => r[0] === 'VGG19' && r[1] === 'automated' && r[2]!.includes('('));
    // accuracy 0.8, sensitivity 3/5, specificity 5/5, precision 3/3, F1 = 6/8
    expect(vgg).toEqual(['VGG19', 'automated', '0.800 (0.000)', '0.600 (0.000)', '1.000 (0.000)', '1.000 (0.000)', '0.750 (0.000)']);
  });

  it('lists available runtimes in a table and absent ones with their reason', () => {
    expect(tableRow(html, 'Runtime comparison', 'onnx/cpu/int8')).toEqual(['onnx/cpu/int8', '90.0%', '1.2e-2', '5.1e-3', '0.940 [0.850, 0.990]', '0.981', '4.50 / 5.50', '400 (16)', '80.0', '20.0']);
    // a results file without the newer fields (no sweep, no CI, no CAM r) still renders
    expect(tableRow(html, 'Runtime comparison', 'tfjs/cpu/fp32 (reference)')).toEqual(['tfjs/cpu/fp32 (reference)', '100.0%', '0.0e+0', '—', '0.960', '—', '12.5 / 15.3', '123 (16)', '250', '42.5']);
    expect(tableRow(html, 'Every measured point', 'onnx/cpu/int8')).toEqual(['onnx/cpu/int8', '1', '1', '4.50', '5.00', '5.50', '6.00', '4.60', '0.400', '217', '2', 'yes']);
    // the verdict comes first in the section
    const section = html.slice(html.indexOf('<h2>Runtime comparison</h2>'));
    expect(section.indexOf('Verdict: tfjs/cpu/fp32 at batch 16')).toBeGreaterThan(0);
    expect(section.indexOf('Verdict:')).toBeLessThan(section.indexOf('One bundle'));
    expect(section).toContain('Ruled out by agreement: onnx/cpu/int8: label agreement 90.0% &lt; 99.0%');
    expect(section).toContain('Reading and preprocessing took 12.5 ms per image');
    expect(html).toContain('onnx/cuda/fp32: CUDA provider not installed (ONNXRUNTIME_NODE_INSTALL=cuda12)');
  });

  it('shows the CAM gallery with right and wrong cases and the CAM quality table', () => {
    // 4 per network × pathway, half wrong where there are errors: ResNet50/intervention has only one.
    expect((html.match(/class="card right"/g) ?? []).length).toBe(2 + 3 + 2 + 2);
    expect((html.match(/class="card wrong"/g) ?? []).length).toBe(2 + 1 + 2 + 2);
    expect(tableRow(html, 'CAM quality', 'ResNet50')).toEqual(['ResNet50', 'automated', '—', '15/20 (75%)', '—', '0.250 (0.053)', '0.550 (0.053)']);
  });

  it('writes the same content as Markdown with figure files next to it', () => {
    expect(md).toContain('| ResNet50 | 1.000 | 0.900 | 0.800 | 0.900 | 0.900 | 0.900 | 0.071 |');
    expect(md).toContain('![Accuracy against epoch');
    const figs = files.filter((f) => f.endsWith('.svg'));
    expect(figs.length).toBe(6); // 4 as before + the sweep's two (latency against batch, throughput against latency)
    for (const f of figs) expect(existsSync(f)).toBe(true);
    expect(files.filter((f) => f.endsWith('.png')).length).toBe(16);
  });
});

describe('renderHtml', () => {
  it('escapes text so that data cannot inject markup', () => {
    const doc: ReportDocument = {
      title: 'a <b> & "c"',
      facts: [['k', '<script>x</script>']],
      sections: [{ id: 's', title: 'S', blocks: [{ kind: 'table', caption: 'T', columns: ['<i>'], rows: [['1 < 2']] }] }],
    };
    const html = renderHtml(doc);
    expect(html).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('<td class="txt">1 &lt; 2</td>');
    expect(html).not.toContain('<script>');
  });
});

describe('uniquifySvgIds', () => {
  it.each([
    ['<svg><clipPath id="c1"/><g clip-path="url(#c1)"/></svg>', '<svg><clipPath id="p-c1"/><g clip-path="url(#p-c1)"/></svg>'],
    ['<svg><g clip-path="url(#other)"/></svg>', '<svg><g clip-path="url(#other)"/></svg>'],
  ])('%s', (input, expected) => {
    expect(uniquifySvgIds(input, 'p-')).toBe(expected);
  });
});
