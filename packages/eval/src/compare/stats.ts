/**
 * The statistics of the runtime comparison, as perf_analyzer does them for a server and affnet does
 * them in process: latency percentiles of a measurement window, windows repeated until the 95th
 * percentile settles, and the verdict — the fastest runtime × precision × batch size that meets the
 * latency and agreement constraints.
 */
import { quantile } from '@affnet/core';

export interface LatencyStats {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one run. */
  sd: number;
  runs: number;
}

/** Percentiles (linear interpolation between order statistics, core `quantile`), mean and SD of latencies in ms. */
export function latencyStats(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) throw new RangeError('latencyStats: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = s.length > 1 ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1)) : 0;
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p95: quantile(s, 0.95), p99: quantile(s, 0.99), mean, sd, runs: s.length };
}

export interface StabilityOptions {
  /** Runs per measurement window. @defaultValue 10 */
  windowRuns?: number;
  /** The p95 of two consecutive windows must differ by less than this fraction. @defaultValue 0.05 */
  tolerance?: number;
  /** Windows at the most (the result then says it did not settle). @defaultValue 5 */
  maxWindows?: number;
  /** Stop starting new runs after this time (ms since the call); the window in progress ends early. */
  deadlineMs?: number;
  now?: () => number;
}

export interface StableMeasurement {
  /** Latencies of the last window (the one the figures describe). */
  samples: number[];
  windows: number;
  /** True when the last two windows' p95 differed by less than the tolerance. */
  stable: boolean;
  /** Relative change of p95 between the last two windows (undefined after one window). */
  lastChange?: number;
  /** Why measuring stopped: "stable", "window cap", "time budget". */
  stoppedBy: 'stable' | 'window cap' | 'time budget';
}

/**
 * Repeat windows of `windowRuns` timed calls until the p95 changes by less than `tolerance` between
 * two windows (perf_analyzer's stability rule, on p95), at most `maxWindows`, within the deadline.
 * `run` performs one timed call and returns its latency in ms (warm-up is the caller's, before).
 */
export async function measureUntilStable(run: () => Promise<number>, o: StabilityOptions = {}): Promise<StableMeasurement> {
  const windowRuns = o.windowRuns ?? 10;
  const tolerance = o.tolerance ?? 0.05;
  const maxWindows = o.maxWindows ?? 5;
  const clock = o.now ?? (() => performance.now());
  const start = clock();
  const late = (): boolean => o.deadlineMs !== undefined && clock() - start >= o.deadlineMs;
  let previous: number | undefined;
  let samples: number[] = [];
  for (let w = 1; w <= maxWindows; w++) {
    const window: number[] = [];
    for (let i = 0; i < windowRuns; i++) {
      if (window.length > 0 && late()) break;
      window.push(await run());
    }
    samples = window;
    const p95 = latencyStats(window).p95;
    if (previous !== undefined) {
      const change = Math.abs(p95 - previous) / Math.max(previous, 1e-9);
      if (change < tolerance) return { samples, windows: w, stable: true, lastChange: change, stoppedBy: 'stable' };
      if (late()) return { samples, windows: w, stable: false, lastChange: change, stoppedBy: 'time budget' };
      if (w === maxWindows) return { samples, windows: w, stable: false, lastChange: change, stoppedBy: 'window cap' };
    } else if (late() || maxWindows === 1) {
      return { samples, windows: 1, stable: false, stoppedBy: late() ? 'time budget' : 'window cap' };
    }
    previous = p95;
  }
  return { samples, windows: maxWindows, stable: false, stoppedBy: 'window cap' };
}

/** One measured configuration of a runtime. */
export interface SweepPoint {
  runtime: string;
  batch: number;
  /** Requests in flight at once on one loaded model. */
  concurrency: number;
  latencyMs: LatencyStats;
  /** Images per second over the window. */
  imagesPerSecond: number;
  windows: number;
  stable: boolean;
}

export interface VerdictConstraints {
  /** Largest acceptable p95 latency of one call at the point's batch size, ms. @defaultValue 500 */
  maxP95Ms: number;
  /** Smallest acceptable share of labels equal to the reference runtime's. @defaultValue 0.99 */
  minAgreement: number;
  /** Largest acceptable |Δ probability| against the reference runtime. @defaultValue 0.05 */
  maxDeltaP: number;
}

export const DEFAULT_CONSTRAINTS: VerdictConstraints = { maxP95Ms: 500, minAgreement: 0.99, maxDeltaP: 0.05 };

export interface Verdict {
  /** The chosen point, or undefined when none meets the constraints. */
  choice?: SweepPoint;
  constraints: VerdictConstraints;
  /** In words, for the report and the terminal. */
  text: string;
  /** Runtimes ruled out by agreement, with the reason. */
  excluded: string[];
}

/**
 * The fastest point (images/s) among the runtimes whose agreement and max |Δp| with the reference
 * meet the constraints, at a batch whose p95 meets the latency limit; ties go to the lower p95.
 */
export function chooseVerdict(
  points: readonly SweepPoint[],
  agreement: ReadonlyMap<string, { labelAgreement?: number; maxAbsDeltaProbability?: number }>,
  constraints: VerdictConstraints = DEFAULT_CONSTRAINTS,
): Verdict {
  const excluded: string[] = [];
  const ok = new Set<string>();
  for (const runtime of new Set(points.map((p) => p.runtime))) {
    const a = agreement.get(runtime);
    if (a?.labelAgreement === undefined || a.maxAbsDeltaProbability === undefined) excluded.push(`${runtime}: agreement not measured`);
    else if (a.labelAgreement < constraints.minAgreement) excluded.push(`${runtime}: label agreement ${(100 * a.labelAgreement).toFixed(1)}% < ${(100 * constraints.minAgreement).toFixed(1)}%`);
    else if (a.maxAbsDeltaProbability > constraints.maxDeltaP) excluded.push(`${runtime}: max |Δp| ${a.maxAbsDeltaProbability.toExponential(1)} > ${constraints.maxDeltaP}`);
    else ok.add(runtime);
  }
  const candidates = points.filter((p) => ok.has(p.runtime) && p.latencyMs.p95 <= constraints.maxP95Ms);
  candidates.sort((a, b) => b.imagesPerSecond - a.imagesPerSecond || a.latencyMs.p95 - b.latencyMs.p95);
  const choice = candidates[0];
  const limits = `p95 ≤ ${constraints.maxP95Ms} ms, label agreement ≥ ${(100 * constraints.minAgreement).toFixed(1)}%, max |Δp| ≤ ${constraints.maxDeltaP}`;
  const text = choice
    ? `${choice.runtime} at batch ${choice.batch}${choice.concurrency > 1 ? `, ${choice.concurrency} requests in flight` : ''}: ${choice.imagesPerSecond.toFixed(1)} images/s, p95 ${choice.latencyMs.p95.toFixed(1)} ms — the fastest configuration with ${limits}`
    : `no measured configuration meets ${limits}`;
  return { ...(choice ? { choice } : {}), constraints, text, excluded };
}

/** Every point as CSV (header first), for spreadsheets and plots elsewhere. */
export function pointsCsv(points: readonly SweepPoint[]): string {
  const head = ['runtime', 'batch', 'concurrency', 'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'mean_ms', 'sd_ms', 'runs', 'images_per_s', 'windows', 'stable'];
  const num = (v: number) => String(Number(v.toPrecision(6)));
  const rows = points.map((p) =>
    [p.runtime, p.batch, p.concurrency, p.latencyMs.p50, p.latencyMs.p90, p.latencyMs.p95, p.latencyMs.p99, p.latencyMs.mean, p.latencyMs.sd, p.latencyMs.runs, p.imagesPerSecond, p.windows, p.stable]
      .map((v) => (typeof v === 'number' ? num(v) : String(v)))
      .join(','),
  );
  return `${[head.join(','), ...rows].join('\n')}\n`;
}
