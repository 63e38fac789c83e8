/**
 * Timing and memory measurement for the runtime comparison.
 *
 * Peak memory: resident set size (RSS) of this process. Two sources are combined: the kernel's
 * high-water mark (`process.resourceUsage().maxRSS`, exact but process-lifetime), used when it rose
 * during the measured window, and otherwise samples of `process.memoryUsage().rss` taken every
 * 10 ms on the event loop and after each inference call. The figure is that peak minus the RSS just
 * before loading the model; it includes native allocations (WASM heaps, ONNX Runtime arenas) but not
 * GPU memory, and memory a runtime measured earlier in the same process keeps is not counted again.
 */
export const MEMORY_METHOD =
  'Peak resident set size (RSS) of the process while the runtime loaded the model and ran every measurement, minus RSS just before loading; ' +
  'peak = kernel high-water mark (getrusage maxRSS) when it rose during that window, otherwise the largest of RSS samples taken every 10 ms and after each call. ' +
  'Includes native and WASM heaps, not GPU memory. Runtimes were measured one after another in one process.';

export interface MemoryWatch {
  /** Take a sample now (call after each inference: a long synchronous call starves the timer). */
  sample(): void;
  /** Stop sampling; peak RSS above the starting level, MiB. */
  stop(): number;
}

const MiB = 1024 * 1024;

export function watchMemory(intervalMs = 10): MemoryWatch {
  const rss0 = process.memoryUsage().rss;
  const maxRss0 = process.resourceUsage().maxRSS * 1024;
  let peak = rss0;
  const sample = (): void => {
    const r = process.memoryUsage().rss;
    if (r > peak) peak = r;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      const maxRss1 = process.resourceUsage().maxRSS * 1024;
      const top = maxRss1 > maxRss0 ? Math.max(maxRss1, peak) : peak;
      return Math.max(0, (top - rss0) / MiB);
    },
  };
}

/** Milliseconds since an origin, high resolution. */
export function now(): number {
  return performance.now();
}
