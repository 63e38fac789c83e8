import { describe, expect, it } from 'vitest';
import { chooseVerdict, latencyStats, measureUntilStable, pointsCsv, type SweepPoint } from '../../src/compare/stats.js';

describe('latencyStats', () => {
  it('percentiles interpolate between order statistics; SD is the sample SD', () => {
    // 1..100 ms: position (n − 1)·q → p50 = 50.5, p90 = 90.1, p95 = 95.05, p99 = 99.01
    const s = latencyStats(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(s).toMatchObject({ p50: 50.5, runs: 100, mean: 50.5 });
    expect(s.p90).toBeCloseTo(90.1, 10);
    expect(s.p95).toBeCloseTo(95.05, 10);
    expect(s.p99).toBeCloseTo(99.01, 10);
    expect(s.sd).toBeCloseTo(29.011492, 5);
    expect(latencyStats([7])).toEqual({ p50: 7, p90: 7, p95: 7, p99: 7, mean: 7, sd: 0, runs: 1 });
  });
});

describe('measureUntilStable (p95 within 5 % between windows)', () => {
  const from = (values: number[]) => {
    let i = 0;
    return async () => values[i++ % values.length]!;
  };
  it('stops when two consecutive windows agree', async () => {
    // window 1: p95 of [10, 20] = 19.5; window 2: [10, 19.9] → 19.405, 0.5 % change: stable
    const m = await measureUntilStable(from([10, 20, 10, 19.9]), { windowRuns: 2 });
    expect(m).toMatchObject({ windows: 2, stable: true, stoppedBy: 'stable', samples: [10, 19.9] });
    expect(m.lastChange).toBeCloseTo(Math.abs(19.405 - 19.5) / 19.5, 10);
  });
  it('keeps measuring while the p95 moves, up to the window cap, and says it did not settle', async () => {
    const m = await measureUntilStable(from([10, 10, 20, 20, 40, 40]), { windowRuns: 2, maxWindows: 3 });
    expect(m).toMatchObject({ windows: 3, stable: false, stoppedBy: 'window cap', samples: [40, 40], lastChange: 1 });
  });
  it('a deadline ends the measurement early (at least one run)', async () => {
    let t = 0;
    const m = await measureUntilStable(async () => ((t += 100), 100), { windowRuns: 10, deadlineMs: 250, now: () => t });
    expect(m).toMatchObject({ windows: 1, stable: false, stoppedBy: 'time budget' });
    expect(m.samples).toHaveLength(3);
  });
});

const point = (runtime: string, batch: number, p95: number, ips: number): SweepPoint => ({
  runtime,
  batch,
  concurrency: 1,
  latencyMs: { p50: p95 * 0.8, p90: p95 * 0.9, p95, p99: p95 * 1.1, mean: p95 * 0.8, sd: 1, runs: 10 },
  imagesPerSecond: ips,
  windows: 2,
  stable: true,
});

describe('chooseVerdict', () => {
  // A made-up table. int8 is fastest but disagrees too much; fp32 at batch 32 is faster than at 16 but
  // its p95 (620 ms) breaks the 500 ms limit; fp16 batch 16 (95 images/s) beats fp32 batch 16 (80).
  const points = [
    point('onnx:cpu/fp32', 1, 40, 25),
    point('onnx:cpu/fp32', 16, 200, 80),
    point('onnx:cpu/fp32', 32, 620, 90),
    point('onnx:cpu/fp16', 16, 170, 95),
    point('onnx:cpu/int8', 16, 60, 260),
    point('tfjs:wasm/fp32', 1, 900, 1.1),
  ];
  const agreement = new Map([
    ['onnx:cpu/fp32', { labelAgreement: 1, maxAbsDeltaProbability: 4e-7 }],
    ['onnx:cpu/fp16', { labelAgreement: 1, maxAbsDeltaProbability: 5e-4 }],
    ['onnx:cpu/int8', { labelAgreement: 0.95, maxAbsDeltaProbability: 0.1 }],
    ['tfjs:wasm/fp32', { labelAgreement: 1, maxAbsDeltaProbability: 0 }],
  ]);
  it('the fastest configuration within the defaults: fp16 at batch 16', () => {
    const v = chooseVerdict(points, agreement);
    expect(v.choice).toMatchObject({ runtime: 'onnx:cpu/fp16', batch: 16 });
    expect(v.text).toBe('onnx:cpu/fp16 at batch 16: 95.0 images/s, p95 170.0 ms — the fastest configuration with p95 ≤ 500 ms, label agreement ≥ 99.0%, max |Δp| ≤ 0.05');
    expect(v.excluded).toEqual(['onnx:cpu/int8: label agreement 95.0% < 99.0%']);
  });
  it('looser constraints let int8 in; a tight latency limit picks batch 1', () => {
    expect(chooseVerdict(points, agreement, { maxP95Ms: 500, minAgreement: 0.9, maxDeltaP: 0.2 }).choice).toMatchObject({ runtime: 'onnx:cpu/int8', batch: 16 });
    expect(chooseVerdict(points, agreement, { maxP95Ms: 50, minAgreement: 0.99, maxDeltaP: 0.05 }).choice).toMatchObject({ runtime: 'onnx:cpu/fp32', batch: 1 });
    const none = chooseVerdict(points, agreement, { maxP95Ms: 10, minAgreement: 0.99, maxDeltaP: 0.05 });
    expect(none.choice).toBeUndefined();
    expect(none.text).toBe('no measured configuration meets p95 ≤ 10 ms, label agreement ≥ 99.0%, max |Δp| ≤ 0.05');
  });
});

describe('pointsCsv', () => {
  it('one header and one row per point, numbers as numbers', () => {
    expect(pointsCsv([point('onnx:cpu/fp32', 16, 200, 80)]).split('\n')).toEqual([
      'runtime,batch,concurrency,p50_ms,p90_ms,p95_ms,p99_ms,mean_ms,sd_ms,runs,images_per_s,windows,stable',
      'onnx:cpu/fp32,16,1,160,180,200,220,160,1,10,80,2,true',
      '',
    ]);
  });
});
