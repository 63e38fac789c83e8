/**
 * What a screening run is made of: one job per distinct image. Files are keyed by the SHA-256 of
 * their bytes (the same radiograph under two names, or in two folders, is one job and one record);
 * DICOMweb instances by their SOP Instance UID, found with QIDO-RS from a study query.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { jsonValue, type DicomwebClient } from '../dicomweb/client.js';
import { RADIOGRAPH_CLASSES } from '../dicomweb/results.js';
import type { ScreenJob } from './queue.js';

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface FilePlan {
  jobs: ScreenJob[];
  /** Files whose bytes another file already has (path → the id it shares). */
  duplicates: { path: string; id: string }[];
  /** Files that could not be read (they get an error record from the caller). */
  unreadable: { path: string; message: string }[];
}

/** Hash `paths` (in parallel, `concurrency` at a time) into one job per distinct content. */
export async function planFiles(paths: readonly string[], concurrency = 4, onHashed?: (n: number) => void): Promise<FilePlan> {
  const ids: (string | Error)[] = new Array(paths.length);
  let next = 0;
  let hashed = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, paths.length)) }, async () => {
      while (next < paths.length) {
        const i = next++;
        try {
          ids[i] = await sha256(paths[i]!);
        } catch (e) {
          ids[i] = e as Error;
        }
        onHashed?.(++hashed);
      }
    }),
  );
  const seen = new Map<string, string>();
  const plan: FilePlan = { jobs: [], duplicates: [], unreadable: [] };
  paths.forEach((p, i) => {
    const id = ids[i]!;
    const path = resolve(p);
    if (id instanceof Error) plan.unreadable.push({ path, message: (id as NodeJS.ErrnoException).code ?? id.message });
    else if (seen.has(id)) plan.duplicates.push({ path, id });
    else {
      seen.set(id, path);
      plan.jobs.push({ id, path });
    }
  });
  return plan;
}

/** The radiograph instances of the studies a QIDO-RS query finds (`{ StudyDate: '20240101-20241231', ModalitiesInStudy: 'DX' }`). */
export async function planDicomweb(client: DicomwebClient, query: Record<string, string>): Promise<{ jobs: ScreenJob[]; skipped: number }> {
  const studies = await client.searchStudies(query);
  const jobs: ScreenJob[] = [];
  let skipped = 0;
  const seen = new Set<string>();
  for (const s of studies) {
    const study = jsonValue(s, '0020000D');
    if (!study) continue;
    for (const se of await client.searchSeries(study)) {
      const series = jsonValue(se, '0020000E');
      if (!series) continue;
      for (const inst of await client.searchInstances(study, series)) {
        const sop = jsonValue(inst, '00080018');
        const cls = jsonValue(inst, '00080016');
        if (!sop || seen.has(sop)) continue;
        seen.add(sop);
        if (cls && !RADIOGRAPH_CLASSES.has(cls)) {
          skipped++;
          continue;
        }
        jobs.push({ id: sop, study, series, sop });
      }
    }
  }
  return { jobs, skipped };
}
