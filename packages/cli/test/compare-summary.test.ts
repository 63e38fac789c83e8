import { describe, expect, it } from 'vitest';
import type { ComparisonResults } from '@affnet/eval';
import { summaryLines } from '../src/commands/compare.js';

describe('compare text summary', () => {
  it('prints a runtime its time budget cut short (no latency, no throughput) instead of failing', () => {
    const base = { backend: 'tfjs', engine: 'wasm', precision: 'fp32' };
    const results = {
      machine: { cpu: 'AMD EPYC 7B12', 'cpu ISA': 'AVX2, FMA; int8 dot product: no (int16 pair sums)' },
      runtimes: [
        { ...base, id: 'tfjs/wasm/fp32', available: true, labelAgreement: 1, maxAbsDeltaProbability: 0, latencyMs: { p50: 2464, p95: 2464, runs: 1 } },
        { ...base, id: 'tfjs/cpu/fp32', engine: 'cpu', available: true, labelAgreement: 1, maxAbsDeltaProbability: 2e-7, imagesCompared: 2 },
        {
          ...base,
          id: 'onnx/cpu/fp32',
          backend: 'onnx',
          engine: 'cpu',
          available: true,
          labelAgreement: 1,
          maxAbsDeltaProbability: 4.5e-7,
          latencyMs: { p50: 192, p95: 238, runs: 20 },
          throughput: { imagesPerSecond: 5.55, batch: 16, runs: 3 },
        },
        { ...base, id: 'onnx/webgpu/fp32', backend: 'onnx', engine: 'webgpu', available: false, reason: 'no GPU device on this machine' },
        {
          ...base,
          id: 'onnx:cpu/int8',
          backend: 'onnx',
          engine: 'cpu',
          precision: 'int8',
          available: true,
          labelAgreement: 1,
          maxAbsDeltaProbability: 0.01,
          details: { int8: 'weights … 7 bits [-63, 63]', int8Warning: 'no VNNI' },
        },
      ],
    } as unknown as ComparisonResults;
    const [cpu, ...lines] = summaryLines(results);
    // The CPU and its ISA come first: int8 speed and accuracy depend on it.
    expect(cpu).toBe('cpu: AMD EPYC 7B12 (AVX2, FMA; int8 dot product: no (int16 pair sums))');
    expect(lines[0]).toMatch(/^tfjs\/wasm\/fp32 +agreement 100\.0% +max\|Δp\| 0\.0e\+0 +p50 2464\.0 ms +throughput not measured \(time budget\)$/);
    expect(lines[1]).toMatch(/p50 — +throughput not measured/);
    expect(lines[2]).toMatch(/p50 192\.0 ms +5\.5 img\/s$/);
    expect(lines[3]).toMatch(/^onnx\/webgpu\/fp32 +absent: no GPU device on this machine$/);
    expect(lines[4]).toMatch(/^onnx:cpu\/int8 +agreement 100\.0%/);
    expect(lines[5]).toMatch(/^ +int8: weights … 7 bits \[-63, 63\]$/);
    expect(lines[6]).toMatch(/^ +warning: no VNNI$/);
  });
});
