/**
 * `affnet worker --redis URL [--run NAME]`: take a screening run's jobs (see `affnet screen`) until
 * stopped. Loads the run's bundle once on --runtime; holds --concurrency jobs at a time, which share
 * forward passes of up to --batch-size. One JSON line per image on stdout (id, status, probability; no patient data);
 * SIGTERM/SIGINT: take no new jobs, finish the held ones, exit 0.
 */
import type { Command } from 'commander';
import { DEFAULT_RUN, startScreenWorker } from '@affnet/serve';
import { parseIntOption } from '../options/parse.js';
import { addRuntimeOption } from '../options/runtime.js';
import { emitLine } from '../output.js';
import { loadBundleOn } from '../runtime/backends.js';

interface WorkerFlags {
  redis: string;
  run: string;
  batchSize: string;
  concurrency?: string;
  runtime: string;
  lockMs: string;
  decodeThreads: string;
  waitMs: string;
}

export function registerWorker(program: Command): void {
  const cmd = program
    .command('worker')
    .description('Process a screening run’s jobs from Redis (BullMQ): one record per image in the run’s results folder')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--run <name>', 'the run to work on (affnet screen --run)', DEFAULT_RUN)
    .option('--batch-size <n>', 'images per forward pass', '8')
    .option('--concurrency <n>', 'jobs held at once (default: twice --batch-size, so the next batch decodes while one runs)');
  addRuntimeOption(cmd)
    .option('--lock-ms <ms>', 'a job whose worker stops renewing its lock this long goes back to the queue', '30000')
    .option('--decode-threads <n>', 'worker threads decoding and preprocessing (0: on the event loop, while ONNX Runtime runs the current pass; the fastest on 2 cores)', '0')
    .option('--wait-ms <ms>', 'wait this long for the run to be created (workers started before affnet screen)', '0');
  cmd.action(async (f: WorkerFlags) => {
    const worker = await startScreenWorker({
      redis: f.redis,
      run: f.run,
      batchSize: parseIntOption('--batch-size', f.batchSize, 1, 256)!,
      ...(f.concurrency !== undefined ? { concurrency: parseIntOption('--concurrency', f.concurrency, 1, 1024)! } : {}),
      lockMs: parseIntOption('--lock-ms', f.lockMs, 1000, 3_600_000)!,
      decodeThreads: parseIntOption('--decode-threads', f.decodeThreads, 0, 64)!,
      waitForRunMs: parseIntOption('--wait-ms', f.waitMs, 0, 86_400_000)!,
      loadModel: (dir) => loadBundleOn(dir, f.runtime, { features: true }),
      onConnection: (state, detail) => process.stderr.write(state === 'lost' ? `worker: Redis connection lost (${detail}); reconnecting\n` : 'worker: Redis connection back\n'),
      onRecord: (r) =>
        emitLine({ id: r.id, status: r.status, ...(r.probability !== undefined ? { probability: r.probability } : {}), ...(r.error ? { error: r.error.code } : {}), attempts: r.attempts }),
    });
    process.stderr.write(
      `worker: run "${worker.config.run}", ${worker.model.bundle.manifest.architecture} on ${worker.model.runtime.backend}:${worker.model.runtime.engine}/${worker.model.runtime.precision}; results ${worker.config.results}\n`,
    );
    await new Promise<void>((done) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) process.exit(1);
        stopping = true;
        process.stderr.write(`worker: ${signal}: finishing the jobs it holds\n`);
        worker.close().then(
          () => {
            process.stderr.write(`worker: stopped after ${worker.done} images\n`);
            done();
          },
          () => done(),
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
  });
}
