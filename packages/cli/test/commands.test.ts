/** Every command has --help; options are checked with typed errors and exit codes; `report` renders results files. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program.js';
import { captureOutput, io } from './helpers.js';

captureOutput();
const dir = mkdtempSync(join(tmpdir(), 'affnet-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('affnet commands', () => {
  it.each([['train'], ['cv'], ['predict'], ['evaluate'], ['export'], ['compare'], ['report'], ['demo']])('%s --help exits 0 and describes the command', async (name) => {
    expect(await runCli([name, '--help'])).toBe(0);
    expect(io.out).toContain(`Usage: affnet ${name}`);
    expect(io.out).toContain('--json');
  });

  it.each([
    // argv, exit code, text on stderr
    [['no-such-command'], 2, 'unknown command "no-such-command". Commands: '],
    // --help after an unknown command is not the top help with exit 0
    [['annotat', '--help'], 2, 'unknown command "annotat".'],
    [['repot', '--results', 'r.json'], 2, 'Did you mean "report"?'],
    [['cv', '--out', 'x'], 1, "required option '--manifest <file>' not specified"],
    [['report'], 2, '[E_OPTION_INVALID] report: give --results FILE, --compare FILE, or both'],
    [['report', '--results', '/nonexistent/results.json'], 2, '[E_FILE_NOT_FOUND] /nonexistent/results.json: experiment results file not found'],
    [['report', '--compare', 'x.json', '--gallery', 'many'], 2, '--gallery: expected a whole number in [0, 100], got "many"'],
    [['report', '--compare', 'x.json', '--cam-cases', '3'], 2, 'did you mean --gallery 3?'],
    [['report', '--compare', 'x.json', '--out', 'r.html'], 2, 'give --out DIR and the file is written as DIR/report.html'],
    [['export', '--bundle', '/nonexistent', '--out', 'o', '--format', 'tflite'], 2, '--format: unknown value "tflite".'],
    [['export', '--bundle', '/nonexistent', '--out', 'o', '--precisions', 'fp8'], 2, 'Available: fp32, fp16, int8'],
    [['export', '--bundle', '/nonexistent', '--out', 'o', '--int8-weights', '6'], 2, '--int8-weights: unknown value "6".'],
  ])('%j exits %d', async (argv, code, message) => {
    io.err = '';
    expect(await runCli(argv)).toBe(code);
    expect(io.err).toContain(message);
  });

  it('report: rejects a results file of another schema version with the file named', async () => {
    const file = join(dir, 'future.json');
    writeFileSync(file, JSON.stringify({ schema: 'affnet-experiment-results', version: 99 }));
    expect(await runCli(['report', '--results', file])).toBe(2);
    expect(io.err).toContain(`${file}: experiment results version 99 is not supported (this tool reads version 1)`);
  });

  it('report: a comparison file alone gives a self-contained HTML report and its Markdown', async () => {
    const file = join(dir, 'compare.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'affnet-runtime-comparison',
        version: 1,
        createdAt: '2025-01-01T00:00:00Z',
        tool: 't',
        bundle: { path: 'b', architecture: 'resnet18', inputSize: 32, pathway: 'automated' },
        images: 4,
        reference: 'tfjs/wasm/fp32',
        memoryMethod: 'RSS',
        machine: { cores: 2 },
        runtimes: [
          {
            id: 'tfjs/wasm/fp32',
            backend: 'tfjs',
            engine: 'wasm',
            precision: 'fp32',
            available: true,
            labelAgreement: 1,
            maxAbsDeltaProbability: 0,
            auc: 0.75,
            latencyMs: { p50: 3, p95: 4, runs: 5 },
            throughput: { imagesPerSecond: 300, batch: 16, runs: 2 },
            coldStartMs: 100,
            peakRssDeltaMiB: 12,
          },
          { id: 'onnx/cuda', backend: 'onnx', engine: 'cuda', precision: 'fp32', available: false, reason: 'not installed' },
        ],
      }),
    );
    const out = join(dir, 'r', 'report.html');
    expect(await runCli(['report', '--compare', file, '--out', join(dir, 'r'), '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ html: out, markdown: join(dir, 'r', 'report.md') });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('onnx/cuda: not installed');
    expect(html).not.toMatch(/<script|src="http/);
    expect(readFileSync(join(dir, 'r', 'report.md'), 'utf8')).toContain('| tfjs/wasm/fp32 (reference) | ');
  });
});
