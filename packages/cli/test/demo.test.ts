/** `affnet demo --quick`: the whole chain (phantom → cross-validation → comparison → report) in seconds. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program.js';
import { captureOutput, io } from './helpers.js';

captureOutput();
const dir = mkdtempSync(join(tmpdir(), 'affnet-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('affnet demo --quick', () => {
  it('writes the cohort, cross-validation results, a runtime comparison and one report', async () => {
    const out = join(dir, 'demo');
    expect(await runCli(['demo', '--quick', '--workers', '0', '--out', out, '--json'])).toBe(0);
    const summary = JSON.parse(io.out);
    expect(summary.report).toBe(join(out, 'report.html'));
    const results = JSON.parse(readFileSync(join(out, 'cv', 'results.json'), 'utf8'));
    expect(results.runs.map((r: { architecture: string; pathway: string; fold: number }) => `${r.architecture}/${r.pathway}/${r.fold}`)).toEqual([
      'resnet18/automated/0',
      'resnet18/automated/1',
      'resnet18/intervention/0',
      'resnet18/intervention/1',
      'resnet18/auto/0',
      'resnet18/auto/1',
    ]);
    // The auto arm: every held-out image aligned by the aligner fitted on the separate phantom cohort.
    expect(existsSync(join(out, 'aligner.json'))).toBe(true);
    const auto = results.runs.filter((r: { pathway: string }) => r.pathway === 'auto');
    expect(auto.every((r: { predictions: { alignment?: { source: string } }[] }) => r.predictions.every((p) => p.alignment?.source === 'auto'))).toBe(true);
    // phantoms have ground truth, so CAM quality was measured
    expect(results.runs.every((r: { camQuality?: { pointingTotal: number } }) => (r.camQuality?.pointingTotal ?? 0) > 0)).toBe(true);
    const comparison = JSON.parse(readFileSync(join(out, 'compare', 'compare.json'), 'utf8'));
    expect(comparison.bundle).toMatchObject({ architecture: 'resnet18', pathway: 'automated' });
    expect(comparison.runtimes.find((r: { id: string }) => r.id === 'tfjs:wasm/fp32')).toMatchObject({ available: true, labelAgreement: 1 });
    expect(results.runs.every((r: { trainedOn?: string; predictedOn?: string }) => r.trainedOn === 'tfjs:wasm/fp32' && r.predictedOn === 'onnx:cpu/fp32')).toBe(true);
    const html = readFileSync(summary.report, 'utf8');
    for (const heading of ['Data and protocol', 'Classification performance', 'Learning curves, ROC and calibration', 'Class activation maps', 'Automatic alignment', 'Runtime comparison']) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html).toContain('Demo settings: phantom cohort of 8 patients');
    expect(existsSync(join(out, 'report.md'))).toBe(true);
  }, 240_000);
});
