/**
 * Runs image jobs in worker threads (or in this thread). Each job's bytes depend only on the job, so
 * the output is identical for any number of workers. A failed image is recorded and the run goes on.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isAffnetError } from '@affnet/core';
import type { ImageJob } from './plan.js';
import { writeImage, type ImageRecord, type WriteSettings } from './write-image.js';

export interface ImageFailure {
  stem: string;
  code: string;
  message: string;
}

export type JobResult = { record: ImageRecord } | { failure: ImageFailure };

/**
 * The compiled worker script, when this module runs from the build (`dist/`); from TypeScript sources
 * (tests) there is none and the pool renders in this thread.
 */
export function workerScript(): string | undefined {
  const url = new URL('./worker.js', import.meta.url);
  const path = fileURLToPath(url);
  return import.meta.url.endsWith('.js') && existsSync(path) ? path : undefined;
}

export async function runJobs(jobs: readonly ImageJob[], settings: WriteSettings, workers: number, onDone: (done: number) => void): Promise<JobResult[]> {
  const results: JobResult[] = new Array(jobs.length);
  let done = 0;
  const finish = (i: number, r: JobResult) => {
    results[i] = r;
    onDone(++done);
  };
  const script = workerScript();
  if (workers === 0 || script === undefined || jobs.length === 0) {
    for (let i = 0; i < jobs.length; i++) {
      try {
        finish(i, { record: await writeImage(jobs[i]!, settings) });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        finish(i, { failure: { stem: jobs[i]!.stem, code: isAffnetError(e) ? e.code : 'E_IO', message } });
      }
    }
    return results;
  }
  let next = 0;
  const threads = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(script));
  try {
    await Promise.all(
      threads.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= jobs.length) return resolve();
              const index = next++;
              w.postMessage({ index, job: jobs[index], settings });
            };
            w.on('message', (m: { index: number; record?: ImageRecord; error?: { code: string; message: string } }) => {
              finish(m.index, m.record ? { record: m.record } : { failure: { stem: jobs[m.index]!.stem, ...m.error! } });
              send();
            });
            w.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return results;
}
