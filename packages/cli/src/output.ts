/** Output helpers shared by the commands: `--json` for machines, text for people, progress on stderr. */
import cliProgress from 'cli-progress';

export interface OutputOptions {
  json?: boolean;
}

/** Print a result: JSON (one document) with --json, otherwise the text rendering. */
export function emit(result: unknown, opts: OutputOptions, text: () => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${text()}\n`);
}

/** One JSON object per line (for streaming batch output). */
export function emitLine(record: unknown): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

export interface Progress {
  tick(n?: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr, so stdout stays machine-readable. Hidden when stderr is not a terminal
 * or AFFNET_NO_PROGRESS is set (tests, CI logs); then a line is printed at the start and the end.
 */
export function progress(label: string, total: number): Progress {
  if (!process.stderr.isTTY || process.env.AFFNET_NO_PROGRESS) {
    let done = 0;
    let t = total;
    return {
      tick(n = 1) {
        done += n;
      },
      setTotal(x) {
        t = x;
      },
      stop() {
        process.stderr.write(`${label}: ${done}/${t}\n`);
      },
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return {
    tick: (n = 1, payload) => bar.increment(n, payload),
    setTotal: (x) => bar.setTotal(x),
    stop: () => bar.stop(),
  };
}
