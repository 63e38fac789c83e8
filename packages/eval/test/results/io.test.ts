import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readComparisonResults, readExperimentResults, writeJsonAtomic } from '../../src/results/io.js';
import { configHash, stableStringify } from '../../src/cv/fold-store.js';
import { makeComparison, makeExperiment } from '../fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'affnet-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('results files', () => {
  it('round-trip through an atomic write that leaves no temporary file', () => {
    const file = join(dir, 'a', 'results.json');
    const r = makeExperiment();
    writeJsonAtomic(file, r);
    expect(readdirSync(join(dir, 'a'))).toEqual(['results.json']);
    expect(readExperimentResults(file)).toEqual(r);
    writeJsonAtomic(join(dir, 'c.json'), makeComparison());
    expect(readComparisonResults(join(dir, 'c.json')).runtimes).toHaveLength(3);
  });

  it('writes NaN and Infinity as null (JSON has neither)', () => {
    const file = join(dir, 'nan.json');
    writeJsonAtomic(file, { a: Number.NaN, b: [1, Number.POSITIVE_INFINITY] });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ a: null, b: [1, null] });
  });

  it.each([
    [{ schema: 'affnet-runtime-comparison', version: 1 }, 'not an experiment results file: "schema" is "affnet-runtime-comparison", expected "affnet-experiment-results"'],
    [{ schema: 'affnet-experiment-results', version: 2 }, 'experiment results version 2 is not supported (this tool reads version 1)'],
    [{ ...makeExperiment(), protocol: 'bootstrap' }, 'invalid experiment results: protocol:'],
  ])('rejects %j naming the file', (content, message) => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(content));
    expect(() => readExperimentResults(file)).toThrow(`${file}: ${message}`);
  });

  it('rejects a file that is not JSON', () => {
    const file = join(dir, 'torn.json');
    writeFileSync(file, '{"schema": "affnet-exp');
    expect(() => readExperimentResults(file)).toThrow(/torn\.json: not valid JSON/);
  });
});

describe('configHash', () => {
  it.each([
    [{ b: 1, a: [1, { d: 2, c: 3 }] }, '{"a":[1,{"c":3,"d":2}],"b":1}'],
    [{ x: undefined, y: null }, '{"y":null}'],
  ])('stableStringify(%j)', (value, text) => {
    expect(stableStringify(value)).toBe(text);
  });
  it('is the same for equal settings in any key order and differs when a setting changes', () => {
    expect(configHash({ epochs: 3, mode: 'frozen-trunk' })).toBe(configHash({ mode: 'frozen-trunk', epochs: 3 }));
    expect(configHash({ epochs: 3, mode: 'frozen-trunk' })).not.toBe(configHash({ epochs: 4, mode: 'frozen-trunk' }));
  });
});
