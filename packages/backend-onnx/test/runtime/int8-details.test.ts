import { describe, expect, it } from 'vitest';
import { describeScheme } from '../../src/quantize/qdq.js';
import { int8Details } from '../../src/runtime/int8-details.js';

const AVX2 = { model: 'AMD EPYC 7B12', arch: 'x64', extensions: ['AVX2', 'FMA'], int8DotProduct: false, source: 'test' };
const VNNI = { model: 'Intel Xeon', arch: 'x64', extensions: ['AVX2', 'AVX-512', 'AVX-512 VNNI'], int8DotProduct: true, source: 'test' };

describe('what a loaded int8 model reports', () => {
  it.each([
    ['7-bit weights on AVX2 only: no warning', { weightBits: 7 as const, scheme: describeScheme(7) }, AVX2, false],
    ['7-bit weights on VNNI: no warning', { weightBits: 7 as const, scheme: describeScheme(7) }, VNNI, false],
    ['8-bit weights on VNNI: no warning', { weightBits: 8 as const, scheme: describeScheme(8) }, VNNI, false],
    ['8-bit weights on AVX2 only: a warning naming the CPU', { weightBits: 8 as const, scheme: describeScheme(8) }, AVX2, true],
    ['no record (a foreign int8 model) on AVX2 only: a warning', undefined, AVX2, true],
  ])('%s', (_name, record, isa, warns) => {
    const d = int8Details(record, 'cpu', isa);
    if (record) expect(d.int8).toBe(record.scheme);
    else expect(d.int8).toContain('not recorded');
    expect(d.cpuIsa).toContain('AVX2');
    if (warns) expect(d.int8Warning).toMatch(/AMD EPYC 7B12.*int16.*7-bit weights/);
    else expect(d.int8Warning).toBeUndefined();
  });

  it('GPU providers get the scheme only', () => {
    expect(int8Details({ weightBits: 8, scheme: 's' }, 'webgpu', AVX2)).toEqual({ int8: 's' });
  });
});
