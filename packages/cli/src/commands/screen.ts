/**
 * `affnet screen`: archive-scale screening on a BullMQ queue (Redis). The command plans the run (one
 * job per distinct image: files by content hash, DICOMweb instances by SOP Instance UID), skips
 * images that already have a record, stores the run's settings in Redis and enqueues the rest;
 * `affnet worker` processes (any number, on any machine that sees the same files). Without
 * --detach it then follows progress across all workers until every image has its record.
 * `--status` summarises the results folder and the queue; `--report` writes RESULTS/report.html.
 * Exit 0: every image classified; 3: some have error records (each names its code).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, loadManifest, readBundle } from '@affnet/core';
import {
  connect,
  createDicomwebClient,
  DEFAULT_RUN,
  enqueue,
  loadConfig,
  planDicomweb,
  planFiles,
  queueName,
  reportHtml,
  ResultStore,
  saveConfig,
  screenQueue,
  summarise,
  type ScreenJob,
} from '@affnet/serve';
import { collectFiles } from '../batch/collect-files.js';
import { CliError } from '../errors.js';
import { parseIntOption, parseNumberOption } from '../options/parse.js';
import { emitLine, progress } from '../output.js';

interface ScreenFlags {
  bundle?: string;
  manifest?: string;
  dicomweb?: string;
  query: string[];
  redis?: string;
  results: string;
  run: string;
  threshold: string;
  camAbove: string;
  attempts: string;
  detach?: boolean;
  status?: boolean;
  report?: boolean;
  top: string;
}

const collect = (v: string, all: string[] | undefined) => [...(all ?? []), v];

function parseQuery(items: readonly string[]): Record<string, string> {
  const q: Record<string, string> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0) throw new AffnetError('E_OPTION_INVALID', `--query "${it}": use KEY=VALUE (a QIDO-RS study attribute, e.g. StudyDate=20240101-20241231 or ModalitiesInStudy=DX)`);
    q[it.slice(0, eq)] = it.slice(eq + 1);
  }
  return q;
}

async function status(f: ScreenFlags, store: ResultStore): Promise<void> {
  const s = summarise(store, Number(f.top));
  let queue: Record<string, number> | undefined;
  if (f.redis) {
    const redis = connect(f.redis, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    try {
      const q = screenQueue(redis, f.run);
      queue = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      await q.close();
    } finally {
      redis.disconnect();
    }
  }
  const { top, ...rest } = s;
  emitLine({ run: f.run, results: resolve(f.results), ...rest, ...(queue ? { queue } : {}), highest: top.slice(0, 10).map((r) => ({ id: r.id, probability: r.probability, source: r.source })) });
}

export function registerScreen(program: Command): void {
  program
    .command('screen')
    .description('Screen an archive on a distributed queue (BullMQ/Redis): enqueue one job per distinct image for affnet worker; --status, --report')
    .argument('[inputs...]', 'image files and/or folders (walked recursively); every worker must see them at the same paths')
    .option('--bundle <dir>', 'trained bundle folder (workers load it from this path)')
    .option('--manifest <file>', 'screen the images of a manifest instead of files/folders')
    .option('--dicomweb <url>', 'screen radiographs on a DICOMweb archive (QIDO-RS), with --query')
    .option('--query <key=value>', 'with --dicomweb: a QIDO-RS study search parameter (repeatable), e.g. StudyDate=20240101-20241231', collect)
    .option('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .requiredOption('--results <dir>', 'results folder shared with the workers (one record per image)')
    .option('--run <name>', 'run name (one queue per run; workers take --run too)', DEFAULT_RUN)
    .option('--threshold <p>', 'decision threshold on the positive probability', '0.5')
    .option('--cam-above <p>', 'write a CAM thumbnail for images at or above this probability', '0.5')
    .option('--attempts <n>', 'attempts per image before its error record (a bad file is recorded at once)', '3')
    .option('--detach', 'enqueue and return; do not follow progress')
    .option('--status', 'summarise the results folder (and the queue, with --redis)')
    .option('--report', 'write RESULTS/report.html: counts, failures by code, throughput, highest-probability images with CAM thumbnails')
    .option('--top <n>', 'images in the report and status', '50')
    .addHelpText('after', '\nExit codes: 0 every image classified, 3 some have error records, 2 bad options.')
    .action(async (inputs: string[], f: ScreenFlags) => {
      const store = new ResultStore(resolve(f.results));
      parseIntOption('--top', f.top, 1, 100_000);
      if (f.status) return status(f, store);
      if (f.report) {
        const s = summarise(store, Number(f.top));
        const file = join(f.results, 'report.html');
        writeFileSync(file, reportHtml(s, `affnet screening run "${f.run}"`));
        process.stderr.write(`screen: ${s.records} records; report ${file}\n`);
        return;
      }
      if (!f.bundle) throw new AffnetError('E_OPTION_INVALID', 'screen: give --bundle DIR');
      if (!f.redis) throw new AffnetError('E_OPTION_INVALID', 'screen: give --redis URL (the queue the workers take jobs from)');
      const sources = [inputs.length > 0, Boolean(f.manifest), Boolean(f.dicomweb)].filter(Boolean).length;
      if (sources !== 1) throw new AffnetError('E_OPTION_INVALID', 'screen: give exactly one of FILES/FOLDERS, --manifest M or --dicomweb URL --query …');
      const threshold = parseNumberOption('--threshold', f.threshold, 0, 1)!;
      const camAbove = parseNumberOption('--cam-above', f.camAbove, 0, 1.01)!;
      const attempts = parseIntOption('--attempts', f.attempts, 1, 100)!;
      queueName(f.run); // a bad run name fails before any work
      const bundle = resolve(f.bundle);
      await readBundle(bundle); // a bad bundle fails here, not in every worker
      mkdirSync(store.dir, { recursive: true });

      // 1. plan: one job per distinct image
      let jobs: ScreenJob[];
      let note = '';
      if (f.dicomweb) {
        const client = createDicomwebClient(f.dicomweb, process.env.AFFNET_DICOMWEB_TOKEN ? { token: process.env.AFFNET_DICOMWEB_TOKEN } : {});
        const p = await planDicomweb(client, parseQuery(f.query ?? []));
        jobs = p.jobs;
        note = `${p.skipped} instances are not radiographs`;
      } else {
        const paths = f.manifest ? (await loadManifest(f.manifest)).items.map((i) => i.path) : collectFiles(inputs).filter((p) => !resolve(p).startsWith(`${store.dir}/`));
        if (paths.length === 0) throw new CliError(`screen: no image files found in ${inputs.join(', ') || f.manifest}`, 2);
        const bar = progress('hash', paths.length);
        const p = await planFiles(paths, 4, () => bar.tick());
        bar.stop();
        jobs = p.jobs;
        // a file that cannot be read is recorded now: no image is lost
        for (const u of p.unreadable) {
          const id = `unreadable-${Buffer.from(u.path).toString('hex').slice(-56)}`;
          if (!store.has(id))
            store.write({
              id,
              source: { path: u.path },
              status: 'failed',
              error: { code: 'E_IO', message: `cannot read (${u.message})` },
              worker: `${hostname()}:${process.pid}`,
              attempts: 1,
              finishedAt: new Date().toISOString(),
            });
        }
        note = `${p.duplicates.length} files repeat another's bytes, ${p.unreadable.length} unreadable (recorded)`;
      }
      const done = store.ids();
      const todo = jobs.filter((j) => !done.has(j.id));

      // 2. settings and jobs
      const redis = connect(f.redis);
      try {
        const config = { run: f.run, bundle, results: store.dir, ...(f.dicomweb ? { dicomweb: f.dicomweb } : {}), threshold, camAbove, attempts, createdAt: new Date().toISOString() };
        // a run keeps its settings: adding images with another bundle or threshold would mix results
        const before = await loadConfig(redis, f.run);
        if (before) {
          const differs = (['bundle', 'results', 'dicomweb', 'threshold', 'camAbove', 'attempts'] as const).filter((k) => before[k] !== config[k as keyof typeof config]);
          if (differs.length > 0) {
            throw new AffnetError('E_OPTION_INVALID', `run "${f.run}" exists with other settings (${differs.map((k) => `${k}: ${String(before[k])}`).join(', ')}): use them, or another --run`);
          }
        } else await saveConfig(redis, config);
        const queue = screenQueue(redis, f.run);
        const q = await enqueue(queue, todo, attempts);
        process.stderr.write(`screen: ${jobs.length} images; ${jobs.length - todo.length} already have a record, ${q.alreadyQueued} already queued, ${q.added} enqueued (run "${f.run}"; ${note})\n`);
        if (f.detach) {
          await queue.close();
          return;
        }
        // 3. follow progress across all workers (the queue's counts: cheap at any size) until the
        // queue is empty, then check that every planned image has its record
        const bar = progress('screen', todo.length);
        let shown = 0;
        for (;;) {
          await new Promise((r) => setTimeout(r, 1000));
          const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
          const left = Object.values(c).reduce((a, b) => a + b, 0);
          const doneNow = Math.max(0, todo.length - left);
          if (doneNow > shown) bar.tick(doneNow - shown);
          shown = Math.max(shown, doneNow);
          if (left === 0) break;
        }
        const missing = todo.filter((j) => !store.has(j.id));
        if (missing.length > 0) {
          throw new AffnetError(
            'E_INCOMPLETE',
            `screen: the queue is empty but ${missing.length} images have no record (e.g. ${missing[0]!.path ?? missing[0]!.sop}); rerun the same screen to enqueue them again`,
          );
        }
        bar.stop();
        await queue.close();
      } finally {
        redis.disconnect();
      }
      const s = summarise(store, 0);
      process.stderr.write(
        `screen: ${s.classified} classified (${s.positives} above ${threshold}), ${s.failed} failed${s.imagesPerSecond ? `, ${s.imagesPerSecond} images/s` : ''}; affnet screen --report --results ${f.results}\n`,
      );
      if (s.failed > 0)
        throw new CliError(
          `screen: ${s.failed} images have error records (${Object.entries(s.failuresByCode)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')})`,
          3,
        );
    });
}
