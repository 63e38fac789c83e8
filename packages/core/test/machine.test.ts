import { describe, expect, it } from 'vitest';
import { cpuIsa, describeIsa, parseCpuinfo } from '../src/machine.js';

// Flag lines trimmed from real /proc/cpuinfo files of the two kinds of machine this project runs on.
const XEON = `processor\t: 0
model name\t: Intel(R) Xeon(R) Processor
flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni avx_vnni avx512_bf16 amx_bf16 amx_tile amx_int8
`;
const EPYC = `processor\t: 0
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 sha_ni
`;
const GRAVITON = `processor\t: 0
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
`;

describe('CPU ISA from /proc/cpuinfo', () => {
  it.each([
    [
      'Xeon with AVX-512 VNNI and AMX',
      XEON,
      'x64',
      'Intel(R) Xeon(R) Processor',
      ['AVX2', 'FMA', 'F16C', 'AVX-512', 'AVX-512BW', 'AVX-512 VNNI', 'AVX-VNNI', 'AVX-512 BF16', 'AMX-INT8', 'AMX-BF16'],
      true,
    ],
    ['EPYC Rome, AVX2 only', EPYC, 'x64', 'AMD EPYC 7B12', ['AVX2', 'FMA', 'F16C'], false],
    ['Arm Neoverse with DOTPROD', GRAVITON, 'arm64', 'unknown', ['NEON', 'DOTPROD'], true],
  ])('%s', (_name, text, arch, model, extensions, dot) => {
    expect(parseCpuinfo(text, arch)).toEqual({ model, arch, extensions, int8DotProduct: dot });
  });

  it('no flags line: no extensions, dot product unknown', () => {
    expect(parseCpuinfo('processor : 0\n', 'x64')).toEqual({ model: 'unknown', arch: 'x64', extensions: [] });
  });

  it('describes what it read, and says so when nothing was read', () => {
    expect(describeIsa({ model: 'm', arch: 'x64', extensions: ['AVX2', 'FMA'], int8DotProduct: false, source: 's' })).toBe('AVX2, FMA; int8 dot product: no (int16 pair sums)');
    expect(describeIsa({ model: 'm', arch: 'x64', extensions: [], source: 'not readable on this platform' })).toBe('no SIMD extensions read (not readable on this platform)');
    expect(cpuIsa().model.length).toBeGreaterThan(0);
  });
});
