/**
 * The screening queue on Redis (BullMQ): one queue per run, one job per image whose job id is the
 * image's id, so adding an image twice (a second `affnet screen`, an overlapping folder) is one job.
 * The run's settings (bundle, results folder, thresholds) live beside it in Redis, so a worker needs
 * only the Redis URL and the run name. Workers and the screen command must see the same files (a
 * shared folder) for file inputs and the results.
 */
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { AffnetError } from '@affnet/core';

/** One image to classify. */
export interface ScreenJob {
  id: string;
  /** An absolute path all workers can read … */
  path?: string;
  /** … or a DICOMweb instance (the run's `dicomweb` root). */
  study?: string;
  series?: string;
  sop?: string;
}

export interface ScreenConfig {
  run: string;
  /** Absolute path of the bundle folder. */
  bundle: string;
  /** Absolute path of the results folder. */
  results: string;
  /** DICOMweb root for instance jobs. */
  dicomweb?: string;
  /** Decision threshold. */
  threshold: number;
  /** Write a CAM thumbnail for images at or above this probability. */
  camAbove: number;
  /** Attempts per job before its error record is written. */
  attempts: number;
  createdAt: string;
}

export const DEFAULT_RUN = 'affnet';

export function queueName(run: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(run)) throw new AffnetError('E_OPTION_INVALID', `--run "${run}": use 1–64 letters, digits, ".", "_" and "-"`);
  return `affnet-screen-${run}`;
}

const configKey = (run: string) => `affnet:screen:${run}:config`;

/**
 * A Redis connection for BullMQ (which needs `maxRetriesPerRequest: null`: commands wait out a
 * reconnect). Connection errors are reported once per outage through `onState` (not once per retry),
 * and reconnection is automatic.
 */
export function connect(url: string, extra: RedisOptions = {}, onState?: (state: 'lost' | 'back', detail: string) => void): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AffnetError('E_OPTION_INVALID', `--redis "${url}" is not a URL (e.g. redis://127.0.0.1:6379)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new AffnetError('E_OPTION_INVALID', `--redis "${url}": use redis:// or rediss://`);
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(200 * n, 2000), ...extra });
  let down = false;
  redis.on('error', (e: NodeJS.ErrnoException) => {
    if (down) return;
    down = true;
    onState?.('lost', e.code ?? e.message);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    onState?.('back', `${parsed.host}`);
  });
  return redis;
}

export async function saveConfig(redis: Redis, config: ScreenConfig): Promise<void> {
  await redis.set(configKey(config.run), JSON.stringify(config));
}

export async function loadConfig(redis: Redis, run: string): Promise<ScreenConfig | undefined> {
  const v = await redis.get(configKey(run));
  return v ? (JSON.parse(v) as ScreenConfig) : undefined;
}

export function screenQueue(redis: Redis, run: string): Queue<ScreenJob> {
  return new Queue<ScreenJob>(queueName(run), { connection: redis });
}

export interface EnqueueOutcome {
  added: number;
  /** Already a job in the queue (waiting, active, delayed) under the same id. */
  alreadyQueued: number;
}

/**
 * Add jobs in bulk, one per image id; ids already in the queue are not added again (BullMQ keeps one
 * job per id). Finished jobs are removed from Redis (their result is in the results folder), so a
 * queue of a million images does not hold a million finished jobs.
 */
export async function enqueue(queue: Queue<ScreenJob>, jobs: readonly ScreenJob[], attempts: number): Promise<EnqueueOutcome> {
  let added = 0;
  let alreadyQueued = 0;
  for (let i = 0; i < jobs.length; i += 500) {
    const chunk = jobs.slice(i, i + 500);
    const existing = await Promise.all(chunk.map((j) => queue.getJobState(j.id)));
    const fresh = chunk.filter((_j, k) => existing[k] === 'unknown' || existing[k] === 'completed' || existing[k] === 'failed');
    alreadyQueued += chunk.length - fresh.length;
    if (fresh.length === 0) continue;
    await queue.addBulk(
      fresh.map((j) => ({
        name: 'image',
        data: j,
        opts: { jobId: j.id, attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
      })),
    );
    added += fresh.length;
  }
  return { added, alreadyQueued };
}
